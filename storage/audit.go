package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/idbooth/idbooth/audit"
)

// Audit appends ev to the audit log (package audit) in a transaction of its own.
func (s *Store) Audit(ctx context.Context, ev audit.Event) error {
	return s.withTx(ctx, "audit", func(tx *sql.Tx) error { return s.appendAudit(ctx, tx, ev) })
}

// appendAudit appends ev inside tx, so that an entry is written exactly when the change it
// records is. The write transaction (BEGIN IMMEDIATE) serialises appends, also between
// processes. The sequence number follows the highest ever given (sqlite_sequence), not the
// last row, so entries deleted at the end leave a gap that Verify reports.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, ev audit.Event) error {
	if !ev.Valid() {
		return fmt.Errorf("%w: audit event %q with an unknown kind or a field over %d bytes", ErrInvalid, ev.Kind, audit.MaxFieldBytes)
	}
	var highest int64
	err := tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'audit'`).Scan(&highest)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	prev := audit.Genesis
	var last []byte
	err = tx.QueryRowContext(ctx, `SELECT hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	copy(prev[:], last)
	e := audit.New(highest+1, prev, ev, s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (seq, at, kind, clerk, subject, detail, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.At.UnixMilli(), string(e.Kind), e.Clerk, e.Subject, e.Detail,
		e.Prev[:], e.Hash[:])
	return err
}

const auditColumns = `seq, at, kind, clerk, subject, detail, prev, hash`

func scanAudit(row scanner) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	var kind string
	var prev, hash []byte
	if err := row.Scan(&e.Seq, &at, &kind, &e.Clerk, &e.Subject, &e.Detail, &prev, &hash); err != nil {
		return e, err
	}
	e.At, e.Kind = time.UnixMilli(at).UTC(), audit.Kind(kind)
	// A blob of the wrong length is left short or cut: its entry then fails verification.
	copy(e.Prev[:], prev)
	copy(e.Hash[:], hash)
	return e, nil
}

// AuditEntries returns the entries recorded in [from, to), in sequence order.
func (s *Store) AuditEntries(ctx context.Context, from, to time.Time) ([]audit.Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE at >= ? AND at < ? ORDER BY seq`,
		from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, mapErr("audit entries", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, mapErr("audit entries", err)
		}
		out = append(out, e)
	}
	return out, mapErr("audit entries", rows.Err())
}

// AuditHead returns the last entry (nil for an empty log).
func (s *Store) AuditHead(ctx context.Context) (*audit.Entry, error) {
	e, err := scanAudit(s.db.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq DESC LIMIT 1`))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("audit head", err)
	}
	return &e, nil
}

// VerifyAudit checks the whole audit log (audit.Verifier): every entry's hash, every link, no
// sequence number missing, none deleted at the end, and the append-only triggers in place. It
// reads in one transaction, so a concurrent append is either wholly in or out.
func (s *Store) VerifyAudit(ctx context.Context) (audit.Result, error) {
	var res audit.Result
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return res, mapErr("verify audit", err)
	}
	defer tx.Rollback()
	var v audit.Verifier
	var triggers int
	// Both triggers, still refusing (not replaced by ones of the same name that do nothing).
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'
		AND ((name = 'audit_append_only_update' AND sql LIKE '%BEFORE UPDATE ON audit%')
		  OR (name = 'audit_append_only_delete' AND sql LIKE '%BEFORE DELETE ON audit%'))
		AND sql LIKE '%RAISE(ABORT,%'`).Scan(&triggers); err != nil {
		return res, mapErr("verify audit", err)
	}
	if triggers != 2 {
		v.Flag(audit.Unprotected)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq`)
	if err != nil {
		return res, mapErr("verify audit", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return res, mapErr("verify audit", err)
		}
		v.Add(e)
	}
	if err := rows.Err(); err != nil {
		return res, mapErr("verify audit", err)
	}
	var highest int64
	err = tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'audit'`).Scan(&highest)
	if err != nil && err != sql.ErrNoRows {
		return res, mapErr("verify audit", err)
	}
	return v.End(highest), nil
}
