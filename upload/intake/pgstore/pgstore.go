// Package pgstore is the intake's PostgreSQL backend (idbooth-intake serve --db postgres://...):
// application rows in PostgreSQL, photos in a photostore (a directory or S3) under their
// SHA-256. Any number of intake replicas may share one database: the row's INSERT ... ON
// CONFLICT (uuid) DO NOTHING decides which request created it, and the content hash tells a
// resend (exists) from other content under the same UUID (conflict), under any concurrency.
package pgstore

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/photostore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// Store is the PostgreSQL backend.
type Store struct {
	pool   *pgxpool.Pool
	photos photostore.Store
	Now    func() time.Time
}

// Open connects to the database at url (a postgres:// URL or key=value string, as libpq takes
// it), runs the pending migrations and keeps photos in photos.
func Open(ctx context.Context, url string, photos photostore.Store) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL and its password: say only what failed.
		return nil, errors.New("pgstore: the database URL is not valid")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s := &Store{pool: pool, photos: photos, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: migrate: %w", err)
	}
	return s, nil
}

var _ intake.Backend = (*Store)(nil)

// Close closes the pool.
func (s *Store) Close() error { s.pool.Close(); return nil }

// Photos is the store the photos are in.
func (s *Store) Photos() photostore.Store { return s.photos }

// migrationLock is the advisory lock that makes replicas starting together migrate one at a
// time.
const migrationLock = 0x1db007

func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateFile(ctx, conn.Conn(), name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func migrateFile(ctx context.Context, conn *pgx.Conn, name string) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&done); err != nil || done {
			return err
		}
		sql, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, string(sql)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name)
		return err
	})
}

// Put stores a validated application once: the photo first (content-addressed, so a retry
// writes the same object), then the row, in one statement that commits before Put returns.
// created=false means the same content was already held; intake.ErrConflict that other content is.
func (s *Store) Put(ctx context.Context, a *upload.Application) (created bool, err error) {
	hash := a.ContentHash()
	// A resend of what is held is answered without writing the photo again.
	if held, err := s.contentHash(ctx, a.UUID); err != nil {
		return false, err
	} else if held != "" {
		return false, compare(held, hash)
	}
	key := photostore.Key(a.PhotoJPEG)
	if err := s.photos.Put(ctx, key, a.PhotoJPEG); err != nil {
		return false, fmt.Errorf("pgstore: photo: %w", err)
	}
	meta := *a
	meta.PhotoJPEG = nil
	js, err := json.Marshal(&meta)
	if err != nil {
		return false, err
	}
	var inserted string
	err = s.pool.QueryRow(ctx, `INSERT INTO applications
		(uuid, content_sha256, received_at, booth_id, application, photo_sha256, photo_bytes)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (uuid) DO NOTHING RETURNING uuid`,
		a.UUID, hash, s.Now(), a.BoothID, js, key, len(a.PhotoJPEG)).Scan(&inserted)
	switch {
	case err == nil:
		return true, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return false, mapErr(err)
	}
	// Another request (perhaps on another replica) inserted this UUID first and has committed:
	// ON CONFLICT waited for it.
	held, err := s.contentHash(ctx, a.UUID)
	if err != nil {
		return false, err
	}
	if held == "" {
		return false, errors.New("pgstore: conflicting row vanished")
	}
	return false, compare(held, hash)
}

func compare(held, hash string) error {
	if held != hash {
		return intake.ErrConflict
	}
	return nil
}

// contentHash is the held content hash of uuid, "" when none is held.
func (s *Store) contentHash(ctx context.Context, uuid string) (string, error) {
	var held string
	err := s.pool.QueryRow(ctx, `SELECT content_sha256 FROM applications WHERE uuid = $1`, uuid).Scan(&held)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return held, mapErr(err)
}

// mapErr maps PostgreSQL's disk_full (SQLSTATE 53100) to intake.ErrStorageFull.
func mapErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "53100" {
		return fmt.Errorf("%w: %w", intake.ErrStorageFull, err)
	}
	return err
}

// Count is the number of distinct applications held.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM applications`).Scan(&n)
	return n, err
}

// ErrNotFound: no application under that UUID.
var ErrNotFound = errors.New("pgstore: no such application")

// Get returns a held application, photo included.
func (s *Store) Get(ctx context.Context, uuid string) (*upload.Application, error) {
	var js []byte
	var key string
	err := s.pool.QueryRow(ctx, `SELECT application, photo_sha256 FROM applications WHERE uuid = $1`, uuid).Scan(&js, &key)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var a upload.Application
	if err := json.Unmarshal(js, &a); err != nil {
		return nil, err
	}
	if a.PhotoJPEG, err = s.photo(ctx, uuid, key); err != nil {
		return nil, err
	}
	return &a, nil
}

// ErrPhotoDamaged: a photo's bytes no longer match the SHA-256 they are stored under.
var ErrPhotoDamaged = errors.New("pgstore: photo damaged in the photo store")

// photo reads the photo of application uuid and checks it against its key.
func (s *Store) photo(ctx context.Context, uuid, key string) ([]byte, error) {
	b, err := s.photos.Get(ctx, key)
	if err == nil && photostore.Key(b) != key {
		err = ErrPhotoDamaged
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: photo of %s: %w", uuid, err)
	}
	return b, nil
}

// Referenced reports whether a row points to the photo under key (photostore.Sweep asks).
func (s *Store) Referenced(ctx context.Context, key string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM applications WHERE photo_sha256 = $1)`, key).Scan(&ok)
	return ok, err
}

// PhotoRef is a row's pointer to its photo.
type PhotoRef struct {
	UUID, Key string
	Bytes     int
}

// PhotoRefs calls fn for every row's photo pointer (verification: every row's photo present).
func (s *Store) PhotoRefs(ctx context.Context, fn func(PhotoRef) error) error {
	rows, err := s.pool.Query(ctx, `SELECT uuid, photo_sha256, photo_bytes FROM applications ORDER BY uuid`)
	if err != nil {
		return err
	}
	var refs []PhotoRef
	for rows.Next() {
		var r PhotoRef
		if err := rows.Scan(&r.UUID, &r.Key, &r.Bytes); err != nil {
			rows.Close()
			return err
		}
		refs = append(refs, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range refs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
