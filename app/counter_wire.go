package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
)

// NewCounter is counter mode over the queue's database: its staff directory, its counter
// records and its audit log; sc scans photos (nil: no scanner), importDir holds photo files.
func NewCounter(store *storage.Store, now func() time.Time, sc Scanner, importDir string) *Counter {
	return &Counter{
		Staff: staffDirectory{staff.NewDirectory(store, now)},
		Enqueue: func(ctx context.Context, a *booth.Application, r *flow.CounterRecord) error {
			v := r.Verification
			return store.EnqueueCounter(ctx, a, storage.Counter{Clerk: r.Clerk.ID, Verification: identity.NewRecord(v.Case, v.Verdict)})
		},
		Reprinted: func(ctx context.Context, uuid string, c flow.Clerk) error {
			return store.Audit(ctx, audit.Event{Kind: audit.Reprint, Clerk: c.ID, Subject: uuid})
		},
		Scanner: sc, ImportDir: importDir,
	}
}

// staffDirectory is the staff directory as the flow uses it. Signing in takes a slow hash
// (argon2id, ~0.1 s), which the sign-in screen can afford.
type staffDirectory struct{ d *staff.Directory }

const staffTimeout = 10 * time.Second

func (s staffDirectory) SignIn(id, pin string) (flow.Clerk, error) {
	ctx, cancel := context.WithTimeout(context.Background(), staffTimeout)
	defer cancel()
	c, err := s.d.SignIn(ctx, id, pin)
	return flow.Clerk{ID: c.ID, Name: c.Name}, err
}

func (s staffDirectory) SignOut(c flow.Clerk, why string) {
	ctx, cancel := context.WithTimeout(context.Background(), staffTimeout)
	defer cancel()
	if err := s.d.SignOut(ctx, staff.Clerk{ID: c.ID, Name: c.Name}, why); err != nil {
		slog.Warn("clerk sign-out not recorded in the audit log", "clerk", c.ID, "err", err)
	}
}
