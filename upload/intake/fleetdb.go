package intake

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/fleet"
)

// fleetSchema adds the booth registry and the booths' status reports to the SQLite database.
const fleetSchema = `
CREATE TABLE IF NOT EXISTS booths (
	id           TEXT PRIMARY KEY,
	token_sha256 TEXT NOT NULL UNIQUE,
	added_at     INTEGER NOT NULL, -- Unix ms
	revoked_at   INTEGER           -- Unix ms; NULL while the token is good
);
CREATE TABLE IF NOT EXISTS booth_status (
	booth_id    TEXT PRIMARY KEY,
	reported_at INTEGER NOT NULL,  -- Unix ms
	status      TEXT NOT NULL      -- upload.BoothStatus as JSON
);
CREATE INDEX IF NOT EXISTS applications_received ON applications (received_at, uuid);
`

var _ Backend = (*Store)(nil)

// AddBooth registers a booth with the hash of its token.
func (s *Store) AddBooth(ctx context.Context, id, tokenHash string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO booths (id, token_sha256, added_at) VALUES (?, ?, ?)`, id, tokenHash, at.UnixMilli())
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return ErrBoothExists
	}
	return err
}

// RevokeBooth refuses the booth's token from now on.
func (s *Store) RevokeBooth(ctx context.Context, id string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE booths SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, at.UnixMilli(), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(ErrNoBooth, err)
	}
	return nil
}

// BoothByToken finds the booth a token hash belongs to.
func (s *Store) BoothByToken(ctx context.Context, tokenHash string) (BoothCredential, error) {
	var c BoothCredential
	err := s.db.QueryRowContext(ctx, `SELECT id, revoked_at IS NOT NULL FROM booths WHERE token_sha256 = ?`, tokenHash).Scan(&c.ID, &c.Revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNoBooth
	}
	return c, err
}

// PutStatus keeps a booth's latest status report.
func (s *Store) PutStatus(ctx context.Context, id string, st *upload.BoothStatus, at time.Time) error {
	js, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO booth_status (booth_id, reported_at, status) VALUES (?, ?, ?)
		ON CONFLICT (booth_id) DO UPDATE SET reported_at = excluded.reported_at, status = excluded.status`, id, at.UnixMilli(), string(js))
	return err
}

// Booths lists every booth registered or reporting.
func (s *Store) Booths(ctx context.Context) ([]fleet.Booth, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT b.id, 1, b.revoked_at IS NOT NULL, st.reported_at, st.status FROM booths b LEFT JOIN booth_status st ON st.booth_id = b.id
		UNION ALL
		SELECT st.booth_id, 0, 0, st.reported_at, st.status FROM booth_status st WHERE st.booth_id NOT IN (SELECT id FROM booths)
		ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fleet.Booth
	for rows.Next() {
		var b fleet.Booth
		var seen sql.NullInt64
		var js sql.NullString
		if err := rows.Scan(&b.ID, &b.Registered, &b.Revoked, &seen, &js); err != nil {
			return nil, err
		}
		if seen.Valid {
			if err := b.Reported(time.UnixMilli(seen.Int64), []byte(js.String)); err != nil {
				return nil, err
			}
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// PerDay counts the applications received on each of the last days days, in now's time zone.
func (s *Store) PerDay(ctx context.Context, days int, now time.Time) ([]fleet.Day, error) {
	out := fleet.Days(days, now)
	for i := range out {
		end := out[i].Date.AddDate(0, 0, 1)
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE received_at >= ? AND received_at < ?`,
			out[i].Date.UnixMilli(), end.UnixMilli()).Scan(&out[i].Count); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Received returns up to limit applications received after the cursor and before until.
func (s *Store) Received(ctx context.Context, after Cursor, until time.Time, limit int) ([]Received, error) {
	at := after.At.UnixMilli()
	if after.At.IsZero() {
		at = -1 << 62
	}
	rows, err := s.db.QueryContext(ctx, `SELECT uuid, received_at, application, photo FROM applications
		WHERE (received_at > ? OR (received_at = ? AND uuid > ?)) AND received_at < ?
		ORDER BY received_at, uuid LIMIT ?`, at, at, after.UUID, until.UnixMilli(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Received
	for rows.Next() {
		var uuid, js string
		var ms int64
		var photo []byte
		if err := rows.Scan(&uuid, &ms, &js, &photo); err != nil {
			return nil, err
		}
		a := new(upload.Application)
		if err := json.Unmarshal([]byte(js), a); err != nil {
			return nil, err
		}
		a.PhotoJPEG = photo
		out = append(out, Received{Application: a, At: time.UnixMilli(ms)})
	}
	return out, rows.Err()
}
