package storage

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// KeepBackups is how many of the backups taken before an upgrade or a restore stay in the
// backup directory; older ones are removed.
const KeepBackups = 3

// BackupDir is where Open and Restore keep the queue's backups: backup/ beside the queue in the
// data directory (an installed booth: /var/lib/idbooth/backup).
func BackupDir(queuePath string) string { return filepath.Join(filepath.Dir(queuePath), "backup") }

// Backup writes a copy of the queue to dest with SQLite's online backup API: a consistent
// snapshot while the kiosk and the sync worker go on. The copy is as encrypted as the queue
// (it opens only with the queue's key). dest must not exist; it is written beside itself first
// and linked into place when complete, so no half backup ever stands at dest.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("storage: backup: %w: %s already exists", ErrExists, dest)
	}
	err := writeAtomically(dest, func(tmp string) error { return copyDB(ctx, s.db, tmp) })
	return mapErr("backup to "+dest, err)
}

// backupBeforeUpgrade backs the queue up into BackupDir before Open changes its schema, and
// keeps the last KeepBackups there.
func (s *Store) backupBeforeUpgrade(ctx context.Context, why string) (string, error) {
	dir := BackupDir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("storage: backup: %w: %w", ErrUnavailable, err)
	}
	base := strings.TrimSuffix(filepath.Base(s.path), filepath.Ext(s.path))
	dest := filepath.Join(dir, base+"-"+s.now().UTC().Format("20060102T150405.000Z")+"-"+why+".db")
	if err := s.Backup(ctx, dest); err != nil {
		return "", fmt.Errorf("storage: the queue was not changed: %w", err)
	}
	return dest, pruneBackups(dir, base)
}

// pruneBackups removes all but the newest KeepBackups backups of the queue named base (their
// names sort by time).
func pruneBackups(dir, base string) error {
	names, err := filepath.Glob(filepath.Join(dir, base+"-*.db"))
	if err != nil {
		return err
	}
	slices.Sort(names)
	for len(names) > KeepBackups {
		if err := os.Remove(names[0]); err != nil {
			return fmt.Errorf("storage: backup: %w: %w", ErrUnavailable, err)
		}
		names = names[1:]
	}
	return nil
}

// Restore replaces the queue at opts.Path with the backup src, with the backup API (a running
// kiosk sees the restored queue at its next read). src must be a queue this version can read
// (recognise), sound (quick_check) and opened by the key (opts.Key or opts.KeyFile: restoring
// needs the key the backup was made with; no key is created). The queue it replaces is backed
// up into BackupDir first; it returns that backup ("" when no queue stood at opts.Path). Where
// something that is not a queue stands, nothing is restored and nothing changes.
func Restore(ctx context.Context, opts Config, src string) (saved string, err error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	busy := cmp.Or(opts.BusyTimeout, defaultBusyTimeout).Milliseconds()
	st, err := recognise(ctx, src, busy)
	if err != nil {
		return "", fmt.Errorf("storage: restore: the backup %s: %w", src, err)
	}
	if st.missing {
		return "", fmt.Errorf("storage: restore: %w: no backup file at %s", ErrUnavailable, src)
	}
	if err := checkBackup(ctx, opts, src, busy); err != nil {
		return "", err
	}
	live, err := recognise(ctx, opts.Path, busy)
	if err != nil {
		return "", fmt.Errorf("storage: restore: nothing restored: %w", err)
	}
	srcDB := sql.OpenDB(&connector{dsn: readOnlyDSN(src, busy), drv: &sqlite3.SQLiteDriver{}})
	srcDB.SetMaxOpenConns(1)
	defer srcDB.Close()
	if live.missing {
		if err := os.MkdirAll(filepath.Dir(opts.Path), 0o700); err != nil {
			return "", fmt.Errorf("storage: restore: %w: %w", ErrUnavailable, err)
		}
		err := writeAtomically(opts.Path, func(tmp string) error { return copyDB(ctx, srcDB, tmp) })
		return "", mapErr("restore "+src, err)
	}
	// The queue it replaces is opened for its backup only: no migration, no key.
	s := openStore(opts)
	defer s.db.Close()
	if saved, err = s.backupBeforeUpgrade(ctx, "before-restore"); err != nil {
		return "", err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return saved, mapErr("restore "+src, err)
	}
	defer conn.Close()
	err = conn.Raw(func(c any) error { return copyInto(ctx, srcDB, c.(*sqlite3.SQLiteConn)) })
	if err == nil {
		// The restored pages are in the WAL: into the file with them.
		_, err = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return saved, mapErr("restore "+src, err)
}

// checkBackup opens src read-only: it must be sound, and the key must open it.
func checkBackup(ctx context.Context, opts Config, src string, busy int64) error {
	key, err := restoreKey(opts)
	if err != nil {
		return err
	}
	db := sql.OpenDB(&connector{dsn: readOnlyDSN(src, busy), drv: &sqlite3.SQLiteDriver{}})
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return mapErr("restore: the backup "+src, err)
	}
	if check != "ok" {
		return fmt.Errorf("storage: restore: the backup %s: %w: %.200s", src, ErrCorrupt, check)
	}
	var sealed []byte
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'key_check'`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("storage: restore: the backup %s: %w: it has no key check (a queue that never held an application)", src, ErrInvalid)
	}
	if err != nil {
		return mapErr("restore: the backup "+src, err)
	}
	seal, err := newSealer(key)
	if err != nil {
		return err
	}
	if plain, err := seal.open(sealed, "key_check", ""); err != nil || !bytes.Equal(plain, keyCheckPlain) {
		return fmt.Errorf("storage: restore: %w: the key does not open the backup %s; restoring needs the key it was made with",
			ErrWrongKey, src)
	}
	return nil
}

// restoreKey is the key a restore uses: given, or read from the key file (never created).
func restoreKey(opts Config) ([]byte, error) {
	if opts.Key != nil {
		return opts.Key, nil
	}
	if opts.KeyFile == "" {
		return nil, fmt.Errorf("storage: restore: %w: no key file configured", ErrNoKey)
	}
	key, err := readKeyFile(opts.KeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("storage: restore: %w: %s does not exist; restoring needs the key the backup was made with",
			ErrNoKey, opts.KeyFile)
	}
	return key, err
}

// readOnlyDSN opens a database file so that SQLite cannot write it, whatever it finds. No
// journal mode is set (that would write the header). Without a WAL beside the file (no process
// has it open) nothing but the file holds the database: immutable, so that SQLite does not
// create a WAL and its index beside another application's file either.
func readOnlyDSN(path string, busy int64) string {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_busy_timeout", fmt.Sprint(busy))
	if _, err := os.Lstat(path + "-wal"); errors.Is(err, fs.ErrNotExist) {
		q.Set("immutable", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// copyDB copies the database of src into the new, empty file dest with the backup API.
func copyDB(ctx context.Context, src *sql.DB, dest string) error {
	q := url.Values{}
	q.Set("_synchronous", "FULL")
	dc, err := (&connector{dsn: "file:" + (&url.URL{Path: dest}).EscapedPath() + "?" + q.Encode(),
		drv: &sqlite3.SQLiteDriver{}}).Connect(ctx)
	if err != nil {
		return err
	}
	defer dc.Close()
	if err := copyInto(ctx, src, dc.(*sqlite3.SQLiteConn)); err != nil {
		return err
	}
	// The copy has the queue's header, WAL mode included: a backup is one file, readable
	// without a WAL beside it.
	_, err = dc.(*sqlite3.SQLiteConn).Exec("PRAGMA journal_mode = DELETE", nil)
	return err
}

// copyInto copies the database of src over dest's with the backup API, in one step: one read
// transaction on src (in WAL mode writers go on meanwhile), one write transaction on dest.
func copyInto(ctx context.Context, src *sql.DB, dest *sqlite3.SQLiteConn) error {
	conn, err := src.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(c any) error {
		b, err := dest.Backup("main", c.(*sqlite3.SQLiteConn), "main")
		if err != nil {
			return err
		}
		done, err := b.Step(-1)
		if ferr := b.Finish(); err == nil {
			err = ferr
		}
		if err == nil && !done {
			err = errors.New("backup did not finish")
		}
		return err
	})
}

// writeAtomically has write fill a new file (mode 0600) beside path, syncs it, and links it to
// path: path holds the whole file or none, and is never replaced.
func writeAtomically(path string, write func(tmp string) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	f.Close()
	tmp := f.Name()
	defer removeDB(tmp)
	if err := write(tmp); err != nil {
		return err
	}
	if f, err = os.Open(tmp); err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s already exists", ErrExists, path)
	} else if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return syncDir(dir)
}
