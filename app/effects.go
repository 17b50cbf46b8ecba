package app

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg" // the queued photo
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/booth"
)

// stillTimeout bounds taking and checking a still: past it the flow hears of a failure rather
// than waiting on a camera that is gone.
const stillTimeout = 15 * time.Second

// effects does the flow's slow work off the UI goroutine and answers with events.
type effects struct {
	k  *kiosk
	wg sync.WaitGroup
	// inline runs the work on the caller's goroutine: tests, where fyne.Do runs at once.
	inline bool
}

// goWork runs fn on its own goroutine; wait waits for all of them (shutdown).
func (e *effects) goWork(fn func()) {
	if e.inline {
		fn()
		return
	}
	e.wg.Add(1)
	go func() { defer e.wg.Done(); fn() }()
}

func (e *effects) wait() { e.wg.Wait() }

// CheckPhoto asks the camera for the next frame as the still; the camera answers.
func (e *effects) CheckPhoto(req int) {
	e.k.camera.stillReq.Store(int64(req))
	if e.inline {
		return
	}
	time.AfterFunc(stillTimeout, func() {
		fyne.Do(func() {
			if e.k.flow.State() == flow.Checking {
				e.k.send(flow.PhotoChecked{Req: req, Err: errors.New("no still taken or checked in time")})
			}
		})
	})
}

// Submit queues the application and prints its slip (booth.Submitter: the same path as
// `idbooth submit`).
func (e *effects) Submit(req int, a *booth.Application) { e.submitTo(req, a, e.k.opt.Store) }

// submitter is the booth's Submitter over q, with the kiosk's printer and sync.
func (e *effects) submitter(q booth.Queue) *booth.Submitter {
	k := e.k
	s := &booth.Submitter{Queue: q, Now: k.now}
	if k.opt.Printer != nil {
		s.Printer = k.opt.Printer
	}
	if w := k.syncWorker(); w != nil {
		s.Wake = w.Trigger
	}
	return s
}

func (e *effects) submitTo(req int, a *booth.Application, q booth.Queue) {
	k := e.k
	s := e.submitter(q)
	e.goWork(func() {
		done, err := s.Submit(context.Background(), a)
		ev := flow.Submitted{Req: req, Result: done, Err: err}
		if err == nil && done.SlipPrinted && k.opt.Printer != nil {
			ev.SlipFile = k.opt.Printer.SlipFile(booth.ReceiptOf(done.Application))
		}
		if err == nil {
			k.log.Info("application queued", "receipt", done.Application.Receipt, "slip_printed", done.SlipPrinted,
				"slip_error", errString(done.SlipErr))
		}
		fyne.Do(func() { k.send(ev) })
	})
}

// PrintPhotoSheet prints the ID-photo sheet of a queued application, from the queue.
func (e *effects) PrintPhotoSheet(uuid string) {
	k := e.k
	e.goWork(func() {
		ctx, cancel := context.WithTimeout(context.Background(), booth.DefaultPrintTimeout)
		defer cancel()
		a, err := k.opt.Store.Get(ctx, uuid)
		if err == nil {
			var img image.Image
			if img, _, err = image.Decode(bytes.NewReader(a.Photo)); err == nil {
				err = k.opt.Printer.PrintPhotoSheet(ctx, booth.ReceiptOf(a), img)
			}
			clear(a.Photo)
		}
		if err != nil {
			k.log.Warn("photo sheet not printed", "application", uuid, "err", err)
		}
	})
}

// Wiped clears what the screens hold of the session: typed text and images.
func (e *effects) Wiped() {
	e.k.keyboard.Clear()
	e.k.resetAccess()
	for _, s := range e.k.screens {
		if w, ok := s.(interface{ wipe() }); ok {
			w.wipe()
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
