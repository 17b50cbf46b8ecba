package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// SyncState is where an application is on its way to the intake server.
type SyncState string

const (
	// StatePending: waiting to be sent (at NextAttemptAt).
	StatePending SyncState = "pending"
	// StateSending: claimed by a sync worker. A crash leaves it here; it becomes due again
	// when its lease runs out or the next worker starts (ResetSending).
	StateSending SyncState = "sending"
	// StateSent: the intake server confirmed it holds the application.
	StateSent SyncState = "sent"
	// StateFailed: the server refused it for good (e.g. 409); shown to the operator.
	StateFailed SyncState = "failed"
)

// claimDueQuery walks the outbox_due index (entries still to send, by next attempt) and stops
// at the limit: its cost does not grow with the queue. Without statistics SQLite would rather
// take outbox_state for the state test and sort every waiting entry; INDEXED BY names the index
// (and fails the statement, rather than slowing it, if the index ever goes).
const claimDueQuery = `SELECT rowid, uuid, attempts FROM outbox INDEXED BY outbox_due
	WHERE state IN ('pending', 'sending') AND next_attempt_at <= ?
	ORDER BY next_attempt_at, uuid LIMIT ?`

// ClaimDue marks up to limit due entries as sending and returns them decrypted. The claim is a
// lease: if the worker dies, the entry is due again after lease. Entries whose personal data
// cannot be decrypted are marked failed (with the reason) rather than blocking the queue.
func (s *Store) ClaimDue(ctx context.Context, limit int, lease time.Duration) ([]booth.Claimed, error) {
	now := s.nowMillis()
	var uuids []string
	var attempts []int
	err := s.withTx(ctx, "claim", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, claimDueQuery, now, limit)
		if err != nil {
			return err
		}
		// The rows found are updated by rowid, in one statement: no second lookup by UUID.
		args := []any{now + lease.Milliseconds()}
		for rows.Next() {
			var rowid int64
			var u string
			var n int
			if err := rows.Scan(&rowid, &u, &n); err != nil {
				rows.Close()
				return err
			}
			uuids, attempts, args = append(uuids, u), append(attempts, n+1), append(args, rowid)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(uuids) == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ?
			WHERE rowid IN (?`+strings.Repeat(`, ?`, len(uuids)-1)+`)`, args...)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]booth.Claimed, 0, len(uuids))
	for i, u := range uuids {
		a, err := s.Get(ctx, u)
		if err != nil {
			if ctx.Err() != nil {
				return out, err
			}
			if ferr := s.MarkFailed(ctx, u, "cannot read the application: "+err.Error()); ferr != nil {
				return out, ferr
			}
			continue
		}
		out = append(out, booth.Claimed{Application: a, Attempt: attempts[i]})
	}
	return out, nil
}

// MarkSent records that the intake server holds the application.
func (s *Store) MarkSent(ctx context.Context, uuid string) error {
	return s.setOutbox(ctx, "mark sent", uuid, `UPDATE outbox SET state = 'sent', sent_at = ?, last_error = ''
		WHERE uuid = ?`, s.nowMillis(), uuid)
}

// MarkRetry puts a claimed entry back to pending, due at next, recording why it failed.
func (s *Store) MarkRetry(ctx context.Context, uuid string, next time.Time, reason string) error {
	return s.setOutbox(ctx, "mark retry", uuid, `UPDATE outbox SET state = 'pending', next_attempt_at = ?,
		last_error = ?, last_error_at = ? WHERE uuid = ? AND state <> 'sent'`,
		next.UnixMilli(), reason, s.nowMillis(), uuid)
}

// MarkFailed records a permanent failure; the entry is not retried until Requeue.
func (s *Store) MarkFailed(ctx context.Context, uuid string, reason string) error {
	return s.setOutbox(ctx, "mark failed", uuid, `UPDATE outbox SET state = 'failed', last_error = ?,
		last_error_at = ? WHERE uuid = ? AND state <> 'sent'`, reason, s.nowMillis(), uuid)
}

// requeueQuery and resetSendingQuery read the failed or sending entries of outbox_state, not
// the queue.
const requeueQuery = `UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'failed'`

// Requeue makes failed entries due now again (an operator's decision after fixing the cause).
// With no uuids it requeues every failed entry. It returns how many it requeued.
func (s *Store) Requeue(ctx context.Context, uuids ...string) (int, error) {
	q := requeueQuery
	args := []any{s.nowMillis()}
	if len(uuids) > 0 {
		q += ` AND uuid IN (?` + strings.Repeat(`, ?`, len(uuids)-1) + `)`
		for _, u := range uuids {
			args = append(args, u)
		}
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, mapErr("requeue", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// resetSendingQuery: see requeueQuery.
const resetSendingQuery = `UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'sending'`

// ResetSending makes every entry left in sending (by a crashed worker) due now. A sync worker
// calls it when it starts; the server's idempotency makes a repeated send harmless.
func (s *Store) ResetSending(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, resetSendingQuery, s.nowMillis())
	if err != nil {
		return 0, mapErr("reset sending", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// dueNowQuery reads outbox_due from now on (the waiting entries), not every pending one.
const dueNowQuery = `UPDATE outbox INDEXED BY outbox_due SET next_attempt_at = ?1
	WHERE state IN ('pending', 'sending') AND next_attempt_at > ?1 AND state = 'pending'`

// DueNow makes every pending entry due now, whatever its backoff: an operator asked to sync
// now. Entries claimed by a running worker keep their lease.
func (s *Store) DueNow(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, dueNowQuery, s.nowMillis())
	if err != nil {
		return 0, mapErr("due now", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// nextAttemptQuery is the first entry of outbox_due.
const nextAttemptQuery = `SELECT next_attempt_at FROM outbox INDEXED BY outbox_due WHERE state IN ('pending', 'sending')
	ORDER BY next_attempt_at LIMIT 1`

// NextAttempt is the earliest next attempt of an entry not yet sent (zero when none waits).
func (s *Store) NextAttempt(ctx context.Context) (time.Time, error) {
	var next sql.NullInt64
	err := s.db.QueryRowContext(ctx, nextAttemptQuery).Scan(&next)
	if err != nil && err != sql.ErrNoRows {
		return time.Time{}, mapErr("next attempt", err)
	}
	return fromMillis(next), nil
}

func (s *Store) setOutbox(ctx context.Context, op, uuid, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return mapErr(op+" "+uuid, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var state string
		if err := s.db.QueryRowContext(ctx, `SELECT state FROM outbox WHERE uuid = ?`, uuid).Scan(&state); err != nil {
			return mapErr(op+" "+uuid, err)
		}
	}
	return nil
}
