package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"

	"github.com/mattn/go-sqlite3"
)

// ApplicationID is the queue's mark in the SQLite header (PRAGMA application_id, "IDBQ"): set
// when a queue is created, and on the first open of a queue created before it existed.
const ApplicationID = 0x49444251

// queueTables are the tables every queue has had since its first migration: what recognises a
// queue made before ApplicationID.
var queueTables = []string{"applications", "meta", "migrations", "outbox", "sealed"}

// fileState is what recognise found at a queue's path.
type fileState struct {
	// missing: nothing there (Open creates a queue unless Config.MustExist).
	missing bool
	// unstamped: a queue made before ApplicationID, recognised by its schema.
	unstamped bool
	// pending are the migrations this binary knows that the queue has not had yet.
	pending []string
}

// sqliteMagic begins every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// recognise finds out, without writing to it, whether the file at path is a queue: Open
// changes nothing (no WAL, no table, no key check) in a file that is not one. A file is a
// queue when its header carries ApplicationID, or when it carries none and has the queue's
// tables and first migration (a queue made before the mark). A queue that had a migration
// this binary does not know was written by a newer one: ErrNewerSchema.
func recognise(ctx context.Context, path string, busy int64) (fileState, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		// A WAL without its database is what is left of a queue (its file moved or deleted):
		// a new queue beside it would take its pages for its own.
		if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
			return fileState{}, fmt.Errorf("storage: open %s: %w: the file is missing but its write-ahead log %s-wal is there; restore the queue, or remove %s-wal to start a new, empty queue",
				path, ErrCorrupt, path, path)
		}
		return fileState{missing: true}, nil
	}
	if err != nil {
		return fileState{}, fmt.Errorf("storage: open %s: %w: %w", path, ErrUnavailable, err)
	}
	if !fi.Mode().IsRegular() {
		return fileState{}, fmt.Errorf("storage: open %s: %w: not a regular file", path, ErrNotQueue)
	}
	if fi.Size() == 0 {
		// An empty file is not a new queue: a queue truncated by accident must not come back
		// empty as if nothing had been lost.
		return fileState{}, fmt.Errorf("storage: open %s: %w: the file is empty (0 bytes); restore the queue from a backup, or remove the file to start a new, empty queue",
			path, ErrCorrupt)
	}
	if err := checkMagic(path); err != nil {
		return fileState{}, err
	}
	c := &connector{dsn: readOnlyDSN(path, busy), drv: &sqlite3.SQLiteDriver{}}
	db := sql.OpenDB(c)
	defer db.Close()
	var appID int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fileState{}, mapErr("open "+path, err)
	}
	tables, err := queryStrings(ctx, db, "SELECT name FROM sqlite_schema WHERE type = 'table'")
	if err != nil {
		return fileState{}, mapErr("open "+path, err)
	}
	hasAll := true
	for _, t := range queueTables {
		hasAll = hasAll && slices.Contains(tables, t)
	}
	var applied []string
	if slices.Contains(tables, "migrations") {
		if applied, err = queryStrings(ctx, db, "SELECT name FROM migrations"); err != nil {
			return fileState{}, mapErr("open "+path, err)
		}
	}
	known, err := migrationNames()
	if err != nil {
		return fileState{}, err
	}
	switch {
	case appID != 0 && appID != ApplicationID:
		return fileState{}, fmt.Errorf("storage: open %s: %w: the file belongs to another application (SQLite application_id %#x); it was not changed",
			path, ErrNotQueue, uint32(appID))
	case !hasAll || !slices.Contains(applied, known[0]):
		return fileState{}, fmt.Errorf("storage: open %s: %w: an SQLite database without the queue's tables; it was not changed", path, ErrNotQueue)
	}
	st := fileState{unstamped: appID == 0}
	for _, name := range applied {
		if !slices.Contains(known, name) {
			return fileState{}, fmt.Errorf("storage: open %s: %w: it has had migration %s, which this version does not know; run the newer idbooth that wrote it (or restore a backup of this version's queue); it was not changed",
				path, ErrNewerSchema, name)
		}
	}
	for _, name := range known {
		if !slices.Contains(applied, name) {
			st.pending = append(st.pending, name)
		}
	}
	return st, nil
}

// checkMagic refuses a file that is not an SQLite database before SQLite reads it.
func checkMagic(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("storage: open %s: %w: %w", path, ErrUnavailable, err)
	}
	defer f.Close()
	head := make([]byte, 100) // the database header
	if _, err := io.ReadFull(f, head); err != nil || !bytes.HasPrefix(head, sqliteMagic) {
		return fmt.Errorf("storage: open %s: %w: not an SQLite database; it was not changed", path, ErrCorrupt)
	}
	return nil
}

// migrationLimit, when not 0, hides the migrations after the first n: the upgrade test makes
// a queue of an earlier release's schema with it.
var migrationLimit int

// migrationNames are the embedded migrations, in the order they run.
func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	if migrationLimit > 0 && len(names) > migrationLimit {
		names = names[:migrationLimit]
	}
	return names, nil
}

func queryStrings(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
