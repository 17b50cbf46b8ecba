package upload

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// Outbox is the booth's queue as the worker sees it (storage.Store implements it). Keeping it
// an interface keeps the intake server, which shares the wire format, free of the booth's
// SQLite queue.
type Outbox interface {
	// ClaimDue leases up to limit due entries, decrypted, with their attempt numbers.
	ClaimDue(ctx context.Context, limit int, lease time.Duration) ([]booth.Claimed, error)
	MarkSent(ctx context.Context, uuid string) error
	MarkRetry(ctx context.Context, uuid string, next time.Time, reason string) error
	MarkFailed(ctx context.Context, uuid string, reason string) error
	// ResetSending makes entries a crashed worker left claimed due now.
	ResetSending(ctx context.Context) (int, error)
	// DueNow makes every pending entry due now, whatever its backoff.
	DueNow(ctx context.Context) (int, error)
	// NextAttempt is the earliest next attempt of an unsent entry (zero when none waits).
	NextAttempt(ctx context.Context) (time.Time, error)
	// Purge removes personal data of entries sent more than retention ago.
	Purge(ctx context.Context, retention time.Duration) (int, error)
	Now() time.Time
}

// Worker sends due queue entries to a Target. Run it in the background of the kiosk; Drain
// does one pass (idbooth sync --once). A Worker is safe for concurrent use.
type Worker struct {
	Store  Outbox
	Target Target
	// Backoff spaces retries of temporary failures. Default DefaultBackoff.
	Backoff Backoff
	// Concurrency is how many applications are in flight at once. Default 4.
	Concurrency int
	// Lease is how long a claimed entry stays claimed before another worker may take it (a
	// crashed worker's entries come back after it). Keep it above the client's timeout.
	// Default 5 minutes.
	Lease time.Duration
	// Poll is how often Run looks for work when nothing is scheduled. Default 1 minute.
	Poll time.Duration
	// Retention is how long personal data of sent applications is kept; Run purges older
	// data. Default booth.DefaultRetention.
	Retention time.Duration
	// Fatal tells errors of the Outbox that make going on pointless (a corrupt file, the wrong
	// key: storage.IsFatal); Run returns them. Default: none.
	Fatal func(error) bool
	// Log receives one line per round and per failure, without personal data. Default: discard.
	Log *slog.Logger
	// Report, if set, is called by Run after a round at most every ReportEvery (default 5
	// minutes), the first time after the first round: the booth reports its status to the
	// intake there (Client.PutStatus).
	Report      func(ctx context.Context)
	ReportEvery time.Duration

	initOnce sync.Once
	trigger  chan struct{}
	mu       sync.Mutex
	state    runState
}

type runState struct {
	running     bool
	lastResult  Result
	lastRound   time.Time
	lastSuccess time.Time
	lastErr     string
	lastErrAt   time.Time
}

// Result counts what one Drain did.
type Result struct {
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`  // refused for good this round
	Retried int `json:"retried"` // temporary failures, scheduled again
	// IntakeDown: the round ended early because the intake failed (unreachable, 5xx, token
	// refused, malformed answers); what was not tried is still due.
	IntakeDown bool `json:"intake_down"`
	// Err is the last error of the round (nil when all went well).
	Err error `json:"-"`
}

func (w *Worker) init() {
	w.initOnce.Do(func() {
		w.trigger = make(chan struct{}, 1)
		if w.Backoff == (Backoff{}) {
			w.Backoff = DefaultBackoff
		}
		if w.Concurrency <= 0 {
			w.Concurrency = 4
		}
		if w.Lease <= 0 {
			w.Lease = 5 * time.Minute
		}
		if w.Poll <= 0 {
			w.Poll = time.Minute
		}
		if w.Retention <= 0 {
			w.Retention = booth.DefaultRetention
		}
		if w.Log == nil {
			w.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Trigger asks a running worker to look for work now (after the kiosk queued an application).
func (w *Worker) Trigger() {
	w.init()
	select {
	case w.trigger <- struct{}{}:
	default:
	}
}

// Recover makes entries a crashed worker left in sending due now. Run calls it; call it
// yourself before Drain in a fresh process.
func (w *Worker) Recover(ctx context.Context) error {
	n, err := w.Store.ResetSending(ctx)
	if n > 0 {
		w.init()
		w.Log.Info("sync: entries left in sending by an earlier run are due again", "count", n)
	}
	return err
}

// Run sends due entries until ctx is cancelled, then returns nil (or a storage error that makes
// going on pointless, e.g. a corrupt database). It returns only when all its goroutines ended.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	w.setRunning(true)
	defer w.setRunning(false)
	if err := w.Recover(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	var lastPurge, lastReport time.Time
	downRounds := 0
	for ctx.Err() == nil {
		res := w.Drain(ctx)
		if w.Report != nil && time.Since(lastReport) >= cmp.Or(w.ReportEvery, 5*time.Minute) {
			w.Report(ctx)
			lastReport = time.Now()
		}
		if res.Err != nil && w.Fatal != nil && w.Fatal(res.Err) {
			return res.Err
		}
		if res.IntakeDown {
			downRounds++
		} else {
			downRounds = 0
		}
		if time.Since(lastPurge) > time.Hour {
			if n, err := w.Store.Purge(ctx, w.Retention); err != nil {
				w.Log.Warn("sync: purge failed", "err", err)
			} else {
				lastPurge = time.Now()
				if n > 0 {
					w.Log.Info("sync: purged personal data past retention", "count", n)
				}
			}
		}
		wait := w.Poll
		if downRounds > 0 {
			// The intake is failing: back off as a whole, not only entry by entry.
			wait = min(wait, w.Backoff.Delay(downRounds))
		} else if next, err := w.Store.NextAttempt(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(w.Store.Now()), 10*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-w.trigger:
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// Drain sends every entry that is due now, Concurrency at a time, until none is due (entries
// rescheduled by a failure are due later, so Drain ends). A failure of the intake itself
// (anything but a refusal of one application) ends the round after the batch in flight, so a
// booth back online does not hammer an intake that is down with its whole queue.
func (w *Worker) Drain(ctx context.Context) Result {
	w.init()
	var res Result
	batch := 2 * w.Concurrency
	for ctx.Err() == nil {
		claimed, err := w.Store.ClaimDue(ctx, batch, w.Lease)
		if err != nil {
			res.Err = err
			break
		}
		if len(claimed) == 0 {
			break
		}
		outcomes := w.sendAll(ctx, claimed)
		stop := false
		for i, c := range claimed {
			if err := w.settle(ctx, c, outcomes[i], &res); err != nil {
				res.Err = err
				stop = true
			}
			if outcomes[i] != nil && !Permanent(outcomes[i]) {
				res.IntakeDown, stop = true, true
			}
		}
		if stop {
			break
		}
	}
	w.mu.Lock()
	w.state.lastRound = time.Now()
	w.state.lastResult = res
	w.state.lastResult.Err = nil
	if res.Sent > 0 {
		w.state.lastSuccess = w.state.lastRound
	}
	if res.Err != nil {
		w.state.lastErr, w.state.lastErrAt = res.Err.Error(), w.state.lastRound
	}
	w.mu.Unlock()
	if res.Sent+res.Failed+res.Retried > 0 || res.Err != nil {
		w.Log.Info("sync: round", "sent", res.Sent, "failed", res.Failed, "retried", res.Retried, "err", res.Err)
	}
	return res
}

// sendAll sends the claimed applications with at most Concurrency in flight and waits for all.
func (w *Worker) sendAll(ctx context.Context, claimed []booth.Claimed) []error {
	out := make([]error, len(claimed))
	sem := make(chan struct{}, w.Concurrency)
	var wg sync.WaitGroup
	for i := range claimed {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = w.Target.Put(ctx, FromApplication(claimed[i].Application))
		}()
	}
	wg.Wait()
	return out
}

// settle records the outcome of one send in the queue.
func (w *Worker) settle(ctx context.Context, c booth.Claimed, sendErr error, res *Result) error {
	// A cancelled context is shutdown, not the entry's failure: leave it for the next start.
	if sendErr != nil && ctx.Err() != nil {
		return w.Store.MarkRetry(context.WithoutCancel(ctx), c.UUID, w.Store.Now(), "sync stopped before the answer")
	}
	switch {
	case sendErr == nil:
		res.Sent++
		return w.Store.MarkSent(context.WithoutCancel(ctx), c.UUID)
	case Permanent(sendErr):
		res.Failed++
		res.Err = sendErr
		w.Log.Warn("sync: intake refused an application", "attempt", c.Attempt, "err", sendErr)
		return w.Store.MarkFailed(ctx, c.UUID, sendErr.Error())
	default:
		res.Retried++
		res.Err = sendErr
		delay := w.Backoff.Delay(c.Attempt)
		w.Log.Info("sync: send failed, will retry", "attempt", c.Attempt, "in", delay.Round(time.Millisecond), "err", sendErr)
		return w.Store.MarkRetry(ctx, c.UUID, w.Store.Now().Add(delay), sendErr.Error())
	}
}

func (w *Worker) setRunning(r bool) {
	w.mu.Lock()
	w.state.running = r
	w.mu.Unlock()
}

// SyncNow sends every pending entry now, ignoring each one's backoff: an operator who asks
// means now (`idbooth sync --once`, the operator screen's "sync now"). Like Drain, it stops
// early when the intake fails; what was not sent is scheduled again with backoff.
func (w *Worker) SyncNow(ctx context.Context) Result {
	w.init()
	if _, err := w.Store.DueNow(ctx); err != nil {
		return Result{Err: err}
	}
	return w.Drain(ctx)
}

// Status is this worker's own state for the operator screen; the queue's counts come from the
// queue itself.
type Status struct {
	Running   bool      `json:"running"`
	LastRound time.Time `json:"last_round,omitzero"`
	// LastResult counts what the last round did.
	LastResult Result `json:"last_result"`
	// LastSuccess is when this worker last delivered an application.
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// Status reports this worker's last round.
func (w *Worker) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	return Status{Running: w.state.running, LastRound: w.state.lastRound, LastResult: w.state.lastResult, LastSuccess: w.state.lastSuccess,
		LastError: w.state.lastErr, LastErrorAt: w.state.lastErrAt}
}
