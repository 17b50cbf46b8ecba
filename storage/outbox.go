package storage

import (
	"context"
	"database/sql"
	"fmt"
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

// ClaimDue marks up to limit due entries as sending and returns them decrypted. The claim is a
// lease: if the worker dies, the entry is due again after lease. Entries whose personal data
// cannot be decrypted are marked failed (with the reason) rather than blocking the queue.
func (s *Store) ClaimDue(ctx context.Context, limit int, lease time.Duration) ([]booth.Claimed, error) {
	now := s.nowMillis()
	var uuids []string
	var attempts []int
	err := s.withTx(ctx, "claim", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT uuid, attempts FROM outbox
			WHERE state IN ('pending', 'sending') AND next_attempt_at <= ?
			ORDER BY next_attempt_at, uuid LIMIT ?`, now, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u string
			var n int
			if err := rows.Scan(&u, &n); err != nil {
				rows.Close()
				return err
			}
			uuids, attempts = append(uuids, u), append(attempts, n+1)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range uuids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sending', attempts = attempts + 1,
				next_attempt_at = ? WHERE uuid = ?`, now+lease.Milliseconds(), u); err != nil {
				return err
			}
		}
		return nil
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

// Requeue makes failed entries due now again (an operator's decision after fixing the cause).
// With no uuids it requeues every failed entry. It returns how many it requeued.
func (s *Store) Requeue(ctx context.Context, uuids ...string) (int, error) {
	q := `UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'failed'`
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

// ResetSending makes every entry left in sending (by a crashed worker) due now. A sync worker
// calls it when it starts; the server's idempotency makes a repeated send harmless.
func (s *Store) ResetSending(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'sending'`,
		s.nowMillis())
	if err != nil {
		return 0, mapErr("reset sending", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DueNow makes every pending entry due now, whatever its backoff: an operator asked to sync
// now. Entries claimed by a running worker keep their lease.
func (s *Store) DueNow(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?`,
		s.nowMillis(), s.nowMillis())
	if err != nil {
		return 0, mapErr("due now", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// NextAttempt is the earliest next attempt of an entry not yet sent (zero when none waits).
func (s *Store) NextAttempt(ctx context.Context) (time.Time, error) {
	var next sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('pending', 'sending')`).Scan(&next)
	if err != nil {
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

// Stats is the queue's state for the operator screen and `idbooth queue`.
type Stats struct {
	Pending int `json:"pending"`
	Sending int `json:"sending"`
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`
	// Due is how many pending or sending entries are due now.
	Due int `json:"due"`
	// OldestUnsent is the creation time of the oldest application not yet sent nor failed.
	OldestUnsent time.Time `json:"oldest_unsent,omitzero"`
	// NextAttempt is the earliest next attempt of an unsent entry.
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastSent    time.Time `json:"last_sent,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// Purged counts applications whose personal data retention removed.
	Purged int `json:"purged"`
}

// Stats counts the queue's entries by state.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	now := s.nowMillis()
	var oldest, next, lastSent, lastErrAt sql.NullInt64
	var lastErr sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE o.state = 'pending'),
		COUNT(*) FILTER (WHERE o.state = 'sending'),
		COUNT(*) FILTER (WHERE o.state = 'sent'),
		COUNT(*) FILTER (WHERE o.state = 'failed'),
		COUNT(*) FILTER (WHERE o.state IN ('pending', 'sending') AND o.next_attempt_at <= ?),
		MIN(a.created_at) FILTER (WHERE o.state IN ('pending', 'sending')),
		MIN(o.next_attempt_at) FILTER (WHERE o.state IN ('pending', 'sending')),
		MAX(o.sent_at),
		COUNT(*) FILTER (WHERE a.purged_at IS NOT NULL)
		FROM outbox o JOIN applications a USING (uuid)`, now).
		Scan(&st.Pending, &st.Sending, &st.Sent, &st.Failed, &st.Due, &oldest, &next, &lastSent, &st.Purged)
	if err != nil {
		return st, mapErr("stats", err)
	}
	st.OldestUnsent, st.NextAttempt, st.LastSent = fromMillis(oldest), fromMillis(next), fromMillis(lastSent)
	err = s.db.QueryRowContext(ctx, `SELECT last_error, last_error_at FROM outbox
		WHERE last_error <> '' ORDER BY last_error_at DESC LIMIT 1`).Scan(&lastErr, &lastErrAt)
	if err != nil && err != sql.ErrNoRows {
		return st, mapErr("stats", err)
	}
	st.LastError, st.LastErrorAt = lastErr.String, fromMillis(lastErrAt)
	return st, nil
}

// SlipState is whether the confirmation slip was printed.
type SlipState string

const (
	SlipNotPrinted SlipState = "not_printed"
	SlipPrinted    SlipState = "printed"
	SlipFailed     SlipState = "failed"
)

// Entry is an application's clear (non-personal) fields and its sync and slip state: what
// `idbooth queue` and the operator screen may show.
type Entry struct {
	UUID          string        `json:"uuid"`
	Receipt       string        `json:"receipt"`
	MaskedFormID  string        `json:"masked_id"`
	FormIDLast4   string        `json:"-"`
	BoothID       string        `json:"booth_id"`
	BoothName     string        `json:"booth_name,omitempty"`
	Lang          string        `json:"lang"`
	Channel       booth.Channel `json:"channel"`
	CardMailed    bool          `json:"card_mailed"`
	CreatedAt     time.Time     `json:"created_at"`
	State         SyncState     `json:"state"`
	Attempts      int           `json:"attempts"`
	NextAttemptAt time.Time     `json:"next_attempt,omitzero"`
	LastError     string        `json:"last_error,omitempty"`
	SentAt        time.Time     `json:"sent_at,omitzero"`
	Purged        bool          `json:"purged"`
	Slip          Slip          `json:"slip"`
}

// Slip is the state of an application's confirmation slip.
type Slip struct {
	State     SlipState `json:"state"`
	LastError string    `json:"last_error,omitempty"`
	PrintedAt time.Time `json:"printed_at,omitzero"`
	Reprints  int       `json:"reprints"`
}

const entryColumns = `a.uuid, a.receipt, a.form_id_last4, a.booth_id, a.booth_name, a.lang, a.channel,
	a.card_mailed, a.created_at, a.purged_at, o.state, o.attempts, o.next_attempt_at, o.last_error, o.sent_at,
	a.slip_state, a.slip_error, a.slip_printed_at, a.slip_reprints
	FROM applications a JOIN outbox o USING (uuid)`

func scanEntry(row scanner) (*Entry, error) {
	var e Entry
	var channel, state, slipState string
	var created, purged, next, sent, printed sql.NullInt64
	if err := row.Scan(&e.UUID, &e.Receipt, &e.FormIDLast4, &e.BoothID, &e.BoothName, &e.Lang, &channel,
		&e.CardMailed, &created, &purged, &state, &e.Attempts, &next, &e.LastError, &sent,
		&slipState, &e.Slip.LastError, &printed, &e.Slip.Reprints); err != nil {
		return nil, err
	}
	e.Channel, e.State, e.Slip.State = booth.Channel(channel), SyncState(state), SlipState(slipState)
	e.MaskedFormID = booth.MaskLast4(e.FormIDLast4)
	e.CreatedAt, e.SentAt, e.Slip.PrintedAt = fromMillis(created), fromMillis(sent), fromMillis(printed)
	e.Purged = purged.Valid
	if e.State == StatePending || e.State == StateSending {
		e.NextAttemptAt = fromMillis(next)
	}
	return &e, nil
}

// Entry returns one application's clear fields and states.
func (s *Store) Entry(ctx context.Context, uuid string) (*Entry, error) {
	e, err := scanEntry(s.db.QueryRowContext(ctx, `SELECT `+entryColumns+` WHERE a.uuid = ?`, uuid))
	if err != nil {
		return nil, mapErr("entry "+uuid, err)
	}
	return e, nil
}

// Filter selects entries for List.
type Filter struct {
	// States keeps only entries in these sync states (all when empty).
	States []SyncState
	// Receipt or FormIDLast4, when set, find the entries of one resident for a reprint.
	Receipt     string
	FormIDLast4 string
	// Limit caps the number of entries (0: no cap); the newest come first.
	Limit int
}

// List returns entries, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	if len(f.States) > 0 {
		where = append(where, `o.state IN (?`+strings.Repeat(`, ?`, len(f.States)-1)+`)`)
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.Receipt != "" {
		where, args = append(where, `a.receipt = ?`), append(args, f.Receipt)
	}
	if f.FormIDLast4 != "" {
		where, args = append(where, `a.form_id_last4 = ?`), append(args, f.FormIDLast4)
	}
	q := `SELECT ` + entryColumns
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY a.created_at DESC, a.uuid`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr("list", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, mapErr("list", err)
		}
		out = append(out, *e)
	}
	return out, mapErr("list", rows.Err())
}
