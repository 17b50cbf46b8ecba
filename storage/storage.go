// Package storage is the booth's offline application queue: every application a resident
// confirmed, encrypted at rest in SQLite, with its outbox entry for the intake server and the
// state of its confirmation slip.
//
// Durability is the point: Enqueue writes the application and its outbox entry in one
// transaction with synchronous=FULL in WAL mode, so once it returns the application survives
// a killed process or a power cut.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// Config says where the queue lives and how it is opened.
type Config struct {
	// Path of the SQLite database; its directory is created (0700) when missing.
	Path string
	// KeyFile holds the 256-bit key (64 hex digits). It is created with mode 0600 on first
	// start of an empty queue; once the queue holds data, a missing or wrong key is an error.
	KeyFile string
	// Key, when set, is used instead of KeyFile (an operator-supplied key).
	Key []byte
	// Now returns the current time; tests inject a clock. Defaults to time.Now.
	Now func() time.Time
	// BusyTimeout is how long to wait for another process (kiosk and `idbooth sync`) holding
	// the write lock. Defaults to 5 s.
	BusyTimeout time.Duration
	// MustExist refuses to create a new queue: for operator commands that only read or drain
	// one, where a missing file means a wrong path.
	MustExist bool
	// MaxPageCount caps the database size in pages (0: no cap), for a booth with a disk quota;
	// past it writes fail with ErrFull and nothing stored is touched.
	MaxPageCount int
	// CompactAfter is how long a sent application whose personal data retention removed keeps
	// its row; after it only the daily summary counts it (Compact). 0: DefaultCompactAfter (a
	// year); negative: never.
	CompactAfter time.Duration
}

const defaultBusyTimeout = 5 * time.Second

// Store is an open queue. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	seal *sealer
	now  func() time.Time
	path string
	// compactAfter is Config.CompactAfter with its default applied.
	compactAfter time.Duration
}

// Open opens (creating if needed) the queue at opts.Path, applies pending migrations (after a
// backup into BackupDir, of which it keeps the last KeepBackups), and loads or creates the key.
//
// A file there is recognised first (recognise), without writing to it: another application's
// database, an empty or damaged file, or a queue of a newer schema is refused and left as it
// was.
func Open(ctx context.Context, opts Config) (*Store, error) {
	if opts.Path == "" {
		return nil, fmt.Errorf("storage: open: %w: no database path", ErrInvalid)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BusyTimeout == 0 {
		opts.BusyTimeout = defaultBusyTimeout
	}
	if opts.CompactAfter == 0 {
		opts.CompactAfter = DefaultCompactAfter
	}
	st, err := recognise(ctx, opts.Path, opts.BusyTimeout.Milliseconds())
	if err != nil {
		return nil, err
	}
	if st.missing {
		if opts.MustExist {
			return nil, fmt.Errorf("storage: open %s: %w: no queue there", opts.Path, ErrNotFound)
		}
		if err := create(ctx, opts); err != nil {
			return nil, err
		}
		// Another process may have created it first: what is there now is the queue.
		if st, err = recognise(ctx, opts.Path, opts.BusyTimeout.Milliseconds()); err != nil {
			return nil, err
		}
	}
	s := openStore(opts)
	if err := s.upgrade(ctx, opts, st); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// upgrade checks the key of a recognised queue, then (and only then: a wrong key changes
// nothing) backs it up into BackupDir if it is to change, runs its pending migrations, marks a queue made
// before ApplicationID, and turns incremental auto-vacuum on.
func (s *Store) upgrade(ctx context.Context, opts Config, st fileState) error {
	seal, err := s.loadKey(ctx, opts)
	if err != nil {
		return err
	}
	s.seal = seal
	if len(st.pending) > 0 || st.unstamped {
		if _, err := s.backupBeforeUpgrade(ctx, "before-upgrade"); err != nil {
			return err
		}
	}
	if len(st.pending) > 0 {
		if err := s.migrate(ctx); err != nil {
			return mapErr("open "+s.path, err)
		}
	}
	if st.unstamped {
		if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
			return mapErr("open "+s.path, err)
		}
	}
	return s.convertAutoVacuum(ctx)
}

// openStore opens the database connection of a queue (recognised or just created).
func openStore(opts Config) *Store {
	db := sql.OpenDB(&connector{dsn: dsn(opts), drv: &sqlite3.SQLiteDriver{ConnectHook: connectHook(opts)}})
	// One connection: the queue's writes are small and serialised anyway, and it avoids
	// SQLITE_BUSY between goroutines of this process; other processes wait on busy_timeout.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	return &Store{db: db, now: opts.Now, path: opts.Path, compactAfter: opts.CompactAfter}
}

// create makes a new queue at opts.Path: built whole in a temporary file beside it (schema,
// ApplicationID, key check), then linked into place, so that the path never holds half a
// queue, and a queue another process created in between is kept (the link fails).
func create(ctx context.Context, opts Config) error {
	dir := filepath.Dir(opts.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("storage: create %s: %w: %w", opts.Path, ErrUnavailable, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(opts.Path)+".new-*")
	if err != nil {
		return fmt.Errorf("storage: create %s: %w: %w", opts.Path, ErrUnavailable, err)
	}
	f.Close()
	tmp := f.Name()
	defer removeDB(tmp)
	o := opts
	o.Path = tmp
	s := openStore(o)
	err = s.initNew(ctx, o)
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return mapErr("create "+opts.Path, err)
	}
	if err := os.Link(tmp, opts.Path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("storage: create %s: %w: %w", opts.Path, ErrUnavailable, err)
	}
	return syncDir(dir)
}

// initNew lays out a new queue in an empty file.
func (s *Store) initNew(ctx context.Context, opts Config) error {
	if err := s.newQueueAutoVacuum(ctx); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
		return err
	}
	_, err := s.loadKey(ctx, opts)
	return err
}

// removeDB removes a database file and its WAL and shared-memory files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("storage: %w: %w", ErrUnavailable, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("storage: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

func dsn(opts Config) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(opts.BusyTimeout.Milliseconds()))
	// Write transactions take the lock up front, so a busy database waits at BEGIN rather than
	// failing half-way through a transaction.
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: opts.Path}).EscapedPath() + "?" + q.Encode()
}

// connectHook sets the per-connection pragmas the DSN cannot express.
func connectHook(opts Config) func(*sqlite3.SQLiteConn) error {
	return func(c *sqlite3.SQLiteConn) error {
		// Purged personal data is overwritten, not left on free pages.
		if _, err := c.Exec("PRAGMA secure_delete = ON", nil); err != nil {
			return err
		}
		if opts.MaxPageCount > 0 {
			if _, err := c.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", opts.MaxPageCount), nil); err != nil {
				return err
			}
		}
		return nil
	}
}

type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *connector) Driver() driver.Driver                        { return c.drv }

// migrate runs the embedded migrations in name order, each in its own transaction, recording
// the applied ones so each runs once.
func (s *Store) migrate(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := migrationNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := s.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) migrateFile(ctx context.Context, name string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	buf, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// IntegrityCheck runs SQLite's full integrity check and returns its findings ("ok" when sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := s.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return "", mapErr("integrity check", err)
	}
	defer rows.Close()
	var out string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", mapErr("integrity check", err)
		}
		if out != "" {
			out += "\n"
		}
		out += line
	}
	return out, mapErr("integrity check", rows.Err())
}

// Now is the store's clock (Config.Now), for callers that schedule entries.
func (s *Store) Now() time.Time { return s.now() }

func (s *Store) nowMillis() int64 { return s.now().UnixMilli() }

func fromMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}

// withTx runs fn in a write transaction and commits it; any error rolls back.
func (s *Store) withTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapErr(op, err)
	}
	return mapErr(op, tx.Commit())
}
