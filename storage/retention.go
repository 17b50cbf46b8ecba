package storage

import (
	"context"
	"database/sql"
	"time"
)

// purgeDue is the sent entries past retention whose personal data is still there: a range of
// the outbox_purge index, which holds nothing else, so the purge reads only what it removes.
// Without statistics SQLite would rather walk every sent entry of outbox_state: INDEXED BY.
const purgeDue = `SELECT uuid FROM outbox INDEXED BY outbox_purge
	WHERE state = 'sent' AND purged = 0 AND sent_at <= :cutoff`

const (
	purgeApplications = `UPDATE applications SET purged_at = :now WHERE uuid IN (` + purgeDue + `) AND purged_at IS NULL`
	purgeSealed       = `DELETE FROM sealed WHERE uuid IN (` + purgeDue + `)`
	purgeOutbox       = `UPDATE outbox INDEXED BY outbox_purge SET purged = 1
		WHERE state = 'sent' AND purged = 0 AND sent_at <= :cutoff`
)

// Purge removes the personal data and photo of applications sent more than retention ago.
// Their clear fields, states and counts remain for statistics and slip reprints. Pending and
// failed applications are never purged: they have not reached the intake server.
//
// It then compacts what is past Config.CompactAfter (Compact) and, when half the file is free,
// gives the pages back to the file system (giveBackPages), so the file does not keep the size
// of its longest backlog. It returns how many applications it purged.
func (s *Store) Purge(ctx context.Context, retention time.Duration) (int, error) {
	now := s.nowMillis()
	cutoff := sql.Named("cutoff", now-retention.Milliseconds())
	var n int64
	err := s.withTx(ctx, "purge", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, purgeApplications, sql.Named("now", now), cutoff)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, purgeSealed, cutoff); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, purgeOutbox, cutoff)
		return err
	})
	if err != nil {
		return 0, err
	}
	if _, err := s.Compact(ctx); err != nil {
		return int(n), err
	}
	if n > 0 {
		return int(n), s.giveBackPages(ctx, 0)
	}
	return int(n), nil
}
