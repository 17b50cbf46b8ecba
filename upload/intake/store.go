// Package intake is the reference intake server: it receives applications from booths
// (PUT /v1/applications/{uuid}, see upload/wire.go), validates them and stores each once, durably,
// before answering. cmd/idbooth-intake runs it.
package intake

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/idbooth/idbooth/upload"
	_ "github.com/mattn/go-sqlite3" // the database/sql driver "sqlite3"
)

// ErrConflict: the UUID is already held with other content.
var ErrConflict = errors.New("uuid already held with other content")

const schema = `
CREATE TABLE applications (
	uuid           TEXT PRIMARY KEY,
	content_sha256 TEXT NOT NULL,
	received_at    INTEGER NOT NULL, -- Unix ms
	booth_id       TEXT NOT NULL,
	application    TEXT NOT NULL,    -- the JSON payload without the photo
	photo          BLOB NOT NULL
);
CREATE INDEX applications_booth ON applications (booth_id, received_at);
PRAGMA user_version = 1;
`

// Store is the intake's SQLite database (DIR/intake.db).
type Store struct {
	db  *sql.DB
	Now func() time.Time
}

// DBFile is the database's name inside the data directory.
const DBFile = "intake.db"

// ErrSharedDataDir: the data directory is writable by other users, who could replace the
// database or read what it is renamed to.
var ErrSharedDataDir = errors.New("intake: the data directory is writable by other users")

// OpenStore opens or creates the database in dir. The database holds every application in
// clear: it and its -wal and -shm files are readable by this user only (0600), whatever the
// umask, and a data directory other users can write is refused before anything is created.
func OpenStore(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("intake: data dir: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("intake: data dir: %w", err)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("%w: %s is %v; make it private (chmod 700 %s)", ErrSharedDataDir, dir, fi.Mode().Perm(), dir)
	}
	path := filepath.Join(dir, DBFile)
	// SQLite creates the database with 0644 less the umask, and its -wal and -shm files with
	// the database's mode: make the database 0600 before SQLite opens it.
	if err := privateFile(path); err != nil {
		return nil, fmt.Errorf("intake: %w", err)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("intake: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("intake: open %s: %w", path, err)
	}
	// -wal and -shm files left by an intake before this one may be wider.
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(f, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return nil, fmt.Errorf("intake: %w", err)
		}
	}
	return s, nil
}

// privateFile creates path empty with mode 0600, or makes an existing one 0600.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Mode().Perm() == 0o600 {
		return err
	}
	return f.Chmod(0o600)
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if version >= 2 {
		return nil
	}
	if version < 1 {
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return err
		}
	}
	// Version 2: the booth registry and the booths' status reports (fleetdb.go).
	if _, err := tx.ExecContext(ctx, fleetSchema+`PRAGMA user_version = 2;`); err != nil {
		return err
	}
	return tx.Commit()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Put stores a validated application once. It returns created=false when the same content was
// already held, and ErrConflict when other content is held under its UUID. When Put returns,
// the application is durable (synchronous=FULL).
func (s *Store) Put(ctx context.Context, a *upload.Application) (created bool, err error) {
	hash := a.ContentHash()
	meta := *a
	meta.PhotoJPEG = nil
	js, err := json.Marshal(&meta)
	if err != nil {
		return false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var held string
	err = tx.QueryRowContext(ctx, `SELECT content_sha256 FROM applications WHERE uuid = ?`, a.UUID).Scan(&held)
	switch {
	case err == nil && held == hash:
		return false, nil
	case err == nil:
		return false, ErrConflict
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO applications (uuid, content_sha256, received_at, booth_id, application, photo)
		VALUES (?, ?, ?, ?, ?, ?)`, a.UUID, hash, s.Now().UnixMilli(), a.BoothID, string(js), a.PhotoJPEG); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// Count is the number of distinct applications held.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications`).Scan(&n)
	return n, err
}

// Get returns a held application, photo included.
func (s *Store) Get(ctx context.Context, uuid string) (*upload.Application, error) {
	var js string
	var photo []byte
	if err := s.db.QueryRowContext(ctx, `SELECT application, photo FROM applications WHERE uuid = ?`, uuid).Scan(&js, &photo); err != nil {
		return nil, err
	}
	var a upload.Application
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		return nil, err
	}
	a.PhotoJPEG = photo
	return &a, nil
}
