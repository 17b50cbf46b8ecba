package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/staff"
)

// The Store keeps the counter's staff directory (staff.Store).
var _ staff.Store = (*Store)(nil)

// InsertStaff adds r and records ev. A taken ID gives an error wrapping staff.ErrExists.
func (s *Store) InsertStaff(ctx context.Context, r staff.Record, ev audit.Event) error {
	err := s.withTx(ctx, "add staff", func(tx *sql.Tx) error {
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `INSERT INTO staff (id, name, pin_hash, disabled, created_at, changed_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.ID, r.Name, r.PINHash, r.Disabled, r.Created.UnixMilli(), now); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, ev)
	})
	if errors.Is(err, ErrExists) {
		return fmt.Errorf("%w: %w", staff.ErrExists, err)
	}
	return err
}

const staffColumns = `id, name, pin_hash, disabled, failures, locked_until, created_at`

func scanStaff(row scanner) (staff.Record, error) {
	var r staff.Record
	var locked, created int64
	if err := row.Scan(&r.ID, &r.Name, &r.PINHash, &r.Disabled, &r.Failures, &locked, &created); err != nil {
		return r, err
	}
	if locked > 0 {
		r.Locked = time.UnixMilli(locked).UTC()
	}
	r.Created = time.UnixMilli(created).UTC()
	return r, nil
}

// StaffRecord returns the record of id; found is false when there is none.
func (s *Store) StaffRecord(ctx context.Context, id string) (staff.Record, bool, error) {
	r, err := scanStaff(s.db.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	if err != nil {
		return r, false, mapErr("staff", err)
	}
	return r, true, nil
}

// ListStaff returns the directory by staff ID.
func (s *Store) ListStaff(ctx context.Context) ([]staff.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY id`)
	if err != nil {
		return nil, mapErr("list staff", err)
	}
	defer rows.Close()
	var out []staff.Record
	for rows.Next() {
		r, err := scanStaff(rows)
		if err != nil {
			return nil, mapErr("list staff", err)
		}
		out = append(out, r)
	}
	return out, mapErr("list staff", rows.Err())
}

// UpdateStaff sets disabled and, when pinHash is not "", the PIN hash; it clears the failures
// and the lock, and records ev.
func (s *Store) UpdateStaff(ctx context.Context, id string, disabled bool, pinHash string, ev audit.Event) (bool, error) {
	found := false
	err := s.withTx(ctx, "update staff", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET disabled = ?, pin_hash = COALESCE(NULLIF(?, ''), pin_hash),
			failures = 0, locked_until = 0, changed_at = ? WHERE id = ?`, disabled, pinHash, s.nowMillis(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		found = true
		return s.appendAudit(ctx, tx, ev)
	})
	return found, err
}

// StaffFailed counts a wrong PIN for id and locks it until lockUntil at the max-th in a row.
func (s *Store) StaffFailed(ctx context.Context, id string, max int, lockUntil time.Time, ev audit.Event) (time.Time, error) {
	var locked int64
	err := s.withTx(ctx, "staff failed", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE staff SET
			locked_until = CASE WHEN failures + 1 >= :max THEN :until ELSE locked_until END,
			failures = CASE WHEN failures + 1 >= :max THEN 0 ELSE failures + 1 END,
			changed_at = :now
			WHERE id = :id RETURNING locked_until`,
			sql.Named("max", max), sql.Named("until", lockUntil.UnixMilli()), sql.Named("now", s.nowMillis()),
			sql.Named("id", id)).Scan(&locked)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return time.Time{}, err
	}
	if locked != lockUntil.UnixMilli() {
		return time.Time{}, nil
	}
	return time.UnixMilli(locked).UTC(), nil
}

// StaffSignedIn clears id's failures and records ev.
func (s *Store) StaffSignedIn(ctx context.Context, id string, ev audit.Event) error {
	return s.withTx(ctx, "staff signed in", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET failures = 0, locked_until = 0 WHERE id = ?`, id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, ev)
	})
}
