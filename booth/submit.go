package booth

import (
	"context"
	"fmt"
	"time"
)

// Queue keeps confirmed applications until they are sent, with the state of their slips
// (storage.Store).
type Queue interface {
	// Enqueue stores a durably and fills in its UUID (when empty), Receipt and CreatedAt.
	Enqueue(ctx context.Context, a *Application) error
	MarkSlipPrinted(ctx context.Context, uuid string) error
	MarkSlipFailed(ctx context.Context, uuid string, printErr error) error
}

// Claimed is a queued application handed to a sync worker, with its attempt number (1 for the
// first).
type Claimed struct {
	*Application
	Attempt int
}

// SlipPrinter prints a confirmation slip (a slip.Printer with the booth's settings).
type SlipPrinter interface {
	PrintSlip(ctx context.Context, r Receipt) error
}

// DefaultPrintTimeout bounds printing one slip: a jammed printer must not hold the resident.
const DefaultPrintTimeout = 60 * time.Second

// Submitter turns a confirmed application into a queued one with its slip, the same way for
// the kiosk and for `idbooth submit`: validate, queue durably, wake the sync, print the slip,
// record whether it printed.
type Submitter struct {
	Queue Queue
	// Printer prints the slip; nil when the booth prints none.
	Printer SlipPrinter
	// Wake tells the sync worker there is something to send (nil without an intake).
	Wake func()
	// Now is the clock the rules are applied with (default time.Now).
	Now func() time.Time
	// PrintTimeout bounds one print (default DefaultPrintTimeout).
	PrintTimeout time.Duration
}

// Submitted is what became of an application that was queued.
type Submitted struct {
	// Application has its UUID, Receipt and CreatedAt filled in.
	Application *Application
	// SlipPrinted: the slip came out. When false, SlipErr says why (nil: no printer).
	SlipPrinted bool
	SlipErr     error
}

// Submit validates a and queues it durably. Only then is the slip printed: a printer that
// fails (jammed, out of paper, gone) never loses the application; SlipErr says what happened and
// the queue records it so staff can reprint. An error means nothing was queued.
func (s *Submitter) Submit(ctx context.Context, a *Application) (*Submitted, error) {
	if err := a.Validate(s.now()); err != nil {
		return nil, err
	}
	if err := s.Queue.Enqueue(ctx, a); err != nil {
		return nil, err
	}
	if s.Wake != nil {
		s.Wake()
	}
	out := &Submitted{Application: a}
	if s.Printer != nil {
		out.SlipErr = s.PrintSlip(ctx, ReceiptOf(a))
		out.SlipPrinted = out.SlipErr == nil
	}
	return out, nil
}

// PrintSlip prints r (a first print or a reprint) and records the outcome in the queue. The
// error is the print's, or the record's when the print succeeded but could not be recorded.
func (s *Submitter) PrintSlip(ctx context.Context, r Receipt) error {
	if s.Printer == nil {
		return fmt.Errorf("booth: no slip printer configured")
	}
	timeout := s.PrintTimeout
	if timeout <= 0 {
		timeout = DefaultPrintTimeout
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	err := s.Printer.PrintSlip(pctx, r)
	cancel()
	// The print may have used up the caller's time: recording it gets a few seconds of its own.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err != nil {
		if merr := s.Queue.MarkSlipFailed(rctx, r.Application, err); merr != nil {
			return fmt.Errorf("%w (and not recorded: %v)", err, merr)
		}
		return err
	}
	return s.Queue.MarkSlipPrinted(rctx, r.Application)
}

func (s *Submitter) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
