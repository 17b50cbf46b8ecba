package storage

import (
	"context"
	"database/sql"
	"time"
)

// Purge removes the personal data and photo of applications sent more than retention ago.
// Their clear fields, states and counts remain for statistics and slip reprints. Pending and
// failed applications are never purged: they have not reached the intake server.
func (s *Store) Purge(ctx context.Context, retention time.Duration) (int, error) {
	now := s.nowMillis()
	var n int64
	err := s.withTx(ctx, "purge", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE applications SET purged_at = ? WHERE purged_at IS NULL AND uuid IN
			(SELECT uuid FROM outbox WHERE state = 'sent' AND sent_at <= ?)`, now, now-retention.Milliseconds())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM sealed WHERE uuid IN
			(SELECT uuid FROM applications WHERE purged_at IS NOT NULL)`)
		return err
	})
	return int(n), err
}
