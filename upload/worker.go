package upload

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/idbooth/idbooth/storage"
)

// Worker sends due queue entries to a Target. Run it in the background of the kiosk; Drain
// does one pass (idbooth sync --once). A Worker is safe for concurrent use.
type Worker struct {
	Store  *storage.Store
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
	// data. Default storage.DefaultRetention.
	Retention time.Duration
	// Log receives one line per round and per failure, without personal data. Default: discard.
	Log *slog.Logger

	initOnce sync.Once
	trigger  chan struct{}
	mu       sync.Mutex
	state    runState
}

type runState struct {
	running     bool
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
			w.Retention = storage.DefaultRetention
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
	var lastPurge time.Time
	downRounds := 0
	for ctx.Err() == nil {
		res := w.Drain(ctx)
		if res.Err != nil && isStorageFatal(res.Err) {
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
		} else if st, err := w.Store.Stats(ctx); err == nil && !st.NextAttempt.IsZero() {
			wait = min(wait, max(st.NextAttempt.Sub(w.Store.Now()), 10*time.Millisecond))
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

func isStorageFatal(err error) bool {
	return errors.Is(err, storage.ErrCorrupt) || errors.Is(err, storage.ErrWrongKey) || errors.Is(err, storage.ErrNoKey)
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
func (w *Worker) sendAll(ctx context.Context, claimed []storage.Claimed) []error {
	out := make([]error, len(claimed))
	sem := make(chan struct{}, w.Concurrency)
	var wg sync.WaitGroup
	for i := range claimed {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = w.Target.Put(ctx, FromStored(claimed[i].Application))
		}()
	}
	wg.Wait()
	return out
}

// settle records the outcome of one send in the queue.
func (w *Worker) settle(ctx context.Context, c storage.Claimed, sendErr error, res *Result) error {
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

// Status is the sync state for the operator screen.
type Status struct {
	storage.Stats
	// OldestUnsentAge is how long the oldest unsent application has waited.
	OldestUnsentAge time.Duration `json:"oldest_unsent_age_ns"`
	Running         bool          `json:"running"`
	LastRound       time.Time     `json:"last_round,omitzero"`
	// LastSuccess is when this worker last delivered an application (Stats.LastSent is the
	// same from the queue, across restarts).
	LastSuccess time.Time `json:"last_success,omitzero"`
	WorkerError string    `json:"worker_error,omitempty"`
	WorkerErrAt time.Time `json:"worker_error_at,omitzero"`
}

// Status reports the queue's counts and this worker's last round.
func (w *Worker) Status(ctx context.Context) (Status, error) {
	st, err := w.Store.Stats(ctx)
	s := Status{Stats: st}
	if !st.OldestUnsent.IsZero() {
		s.OldestUnsentAge = time.Since(st.OldestUnsent)
	}
	w.mu.Lock()
	s.Running, s.LastRound, s.LastSuccess = w.state.running, w.state.lastRound, w.state.lastSuccess
	s.WorkerError, s.WorkerErrAt = w.state.lastErr, w.state.lastErrAt
	w.mu.Unlock()
	return s, err
}
