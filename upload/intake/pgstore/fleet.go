package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/fleet"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// AddBooth registers a booth with the hash of its token.
func (s *Store) AddBooth(ctx context.Context, id, tokenHash string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO booths (id, token_sha256, added_at) VALUES ($1, $2, $3)`, id, tokenHash, at)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		return intake.ErrBoothExists
	}
	return err
}

// RevokeBooth refuses the booth's token from now on.
func (s *Store) RevokeBooth(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE booths SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, at)
	if err == nil && tag.RowsAffected() == 0 {
		return intake.ErrNoBooth
	}
	return err
}

// BoothByToken finds the booth a token hash belongs to.
func (s *Store) BoothByToken(ctx context.Context, tokenHash string) (intake.BoothCredential, error) {
	var c intake.BoothCredential
	err := s.pool.QueryRow(ctx, `SELECT id, revoked_at IS NOT NULL FROM booths WHERE token_sha256 = $1`, tokenHash).Scan(&c.ID, &c.Revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, intake.ErrNoBooth
	}
	return c, err
}

// PutStatus keeps a booth's latest status report.
func (s *Store) PutStatus(ctx context.Context, id string, st *upload.BoothStatus, at time.Time) error {
	js, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO booth_status (booth_id, reported_at, status) VALUES ($1, $2, $3)
		ON CONFLICT (booth_id) DO UPDATE SET reported_at = EXCLUDED.reported_at, status = EXCLUDED.status`, id, at, js)
	return mapErr(err)
}

// Booths lists every booth registered or reporting.
func (s *Store) Booths(ctx context.Context) ([]fleet.Booth, error) {
	rows, err := s.pool.Query(ctx, `SELECT COALESCE(b.id, st.booth_id), b.id IS NOT NULL, b.revoked_at IS NOT NULL,
		st.reported_at, st.status
		FROM booths b FULL OUTER JOIN booth_status st ON st.booth_id = b.id ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fleet.Booth
	for rows.Next() {
		var b fleet.Booth
		var seen *time.Time
		var js []byte
		if err := rows.Scan(&b.ID, &b.Registered, &b.Revoked, &seen, &js); err != nil {
			return nil, err
		}
		if seen != nil {
			if err := b.Reported(*seen, js); err != nil {
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
	// One indexed range per day: the zone's days, DST included, are the caller's.
	for i := range out {
		end := out[i].Date.AddDate(0, 0, 1)
		if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE received_at >= $1 AND received_at < $2`,
			out[i].Date, end).Scan(&out[i].Count); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Received returns up to limit applications received after the cursor and before until.
func (s *Store) Received(ctx context.Context, after intake.Cursor, until time.Time, limit int) ([]intake.Received, error) {
	rows, err := s.pool.Query(ctx, `SELECT uuid, received_at, application, photo_sha256 FROM applications
		WHERE (received_at, uuid) > ($1, $2) AND received_at < $3 ORDER BY received_at, uuid LIMIT $4`,
		after.At, after.UUID, until, limit)
	if err != nil {
		return nil, err
	}
	type row struct {
		uuid string
		at   time.Time
		js   []byte
		key  string
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.uuid, &r.at, &r.js, &r.key); err != nil {
			rows.Close()
			return nil, err
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]intake.Received, len(got))
	for i, r := range got {
		a := new(upload.Application)
		if err := json.Unmarshal(r.js, a); err != nil {
			return nil, err
		}
		if a.PhotoJPEG, err = s.photo(ctx, r.uuid, r.key); err != nil {
			return nil, err
		}
		out[i] = intake.Received{Application: a, At: r.at}
	}
	return out, nil
}
