package storage_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload/intake"
)

// sqliteFile makes a real SQLite database at path by running stmts.
func sqliteFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// dirState is every file in dir with its SHA-256.
func dirState(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][32]byte{}
	for _, e := range ents {
		if e.IsDir() {
			out[e.Name()+"/"] = [32]byte{}
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = sha256.Sum256(b)
	}
	return out
}

func names(m map[string][32]byte) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// foreignFiles are the files at a queue's path that Open must refuse, each made for real:
// the kind of error it gives and words the operator's message must hold.
var foreignFiles = []struct {
	name  string
	make  func(t *testing.T, path string)
	kind  error
	words string
}{
	{"another application's database", func(t *testing.T, path string) {
		sqliteFile(t, path, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('hello')`)
	}, storage.ErrNotQueue, "without the queue's tables"},
	{"another application's database in WAL mode", func(t *testing.T, path string) {
		sqliteFile(t, path, `PRAGMA journal_mode = WAL`, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`)
	}, storage.ErrNotQueue, "without the queue's tables"},
	{"an empty SQLite database", func(t *testing.T, path string) {
		sqliteFile(t, path, `PRAGMA user_version = 3`)
	}, storage.ErrNotQueue, "without the queue's tables"},
	{"another application's mark on the queue's tables", func(t *testing.T, path string) {
		sqliteFile(t, path, `PRAGMA application_id = 1234`, `CREATE TABLE applications (x)`, `CREATE TABLE meta (x)`,
			`CREATE TABLE migrations (name TEXT)`, `CREATE TABLE outbox (x)`, `CREATE TABLE sealed (x)`,
			`INSERT INTO migrations VALUES ('migration/0001_init.sql')`)
	}, storage.ErrNotQueue, "another application (SQLite application_id 0x4d2)"},
	{"an intake database", func(t *testing.T, path string) {
		dir := filepath.Join(t.TempDir(), "intake")
		s, err := intake.OpenStore(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		b, err := os.ReadFile(filepath.Join(dir, intake.DBFile))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, b, 0o600)
	}, storage.ErrNotQueue, "without the queue's tables"},
	{"an empty file", func(t *testing.T, path string) { os.WriteFile(path, nil, 0o600) },
		storage.ErrCorrupt, "empty (0 bytes)"},
	{"random bytes", func(t *testing.T, path string) { os.WriteFile(path, randomBytes(64<<10), 0o600) },
		storage.ErrCorrupt, "not an SQLite database"},
	{"an SQLite header and random pages", func(t *testing.T, path string) {
		b := append([]byte("SQLite format 3\x00\x10\x00\x01\x01"), randomBytes(4*4096)...)
		os.WriteFile(path, b, 0o600)
	}, storage.ErrCorrupt, ""},
	{"a directory", func(t *testing.T, path string) { os.Mkdir(path, 0o700) }, storage.ErrNotQueue, "not a regular file"},
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// TestOpenRefusesWhatIsNotAQueue: pointed at a file that is not a queue, Open (to create, to
// read only) refuses with an error that says so, and the file, its directory and the key are
// as they were: no WAL switch, no table, no key created.
func TestOpenRefusesWhatIsNotAQueue(t *testing.T) {
	ctx := context.Background()
	for _, c := range foreignFiles {
		t.Run(c.name, func(t *testing.T) {
			for _, mustExist := range []bool{false, true} {
				dir := t.TempDir()
				path := filepath.Join(dir, "queue.db")
				c.make(t, path)
				before := dirState(t, dir)
				_, err := storage.Open(ctx, storage.Config{Path: path, KeyFile: filepath.Join(dir, "queue.key"), MustExist: mustExist})
				if !errors.Is(err, c.kind) || !storage.IsFatal(err) || !strings.Contains(err.Error(), c.words) {
					t.Fatalf("MustExist %v: %v; want %v saying %q", mustExist, err, c.kind, c.words)
				}
				if key := booth.MessageKey(err); key != map[error]string{storage.ErrNotQueue: "queue.error.cannot_open",
					storage.ErrCorrupt: "queue.error.corrupt"}[c.kind] {
					t.Fatalf("message key %q", key)
				}
				after := dirState(t, dir)
				if !slices.Equal(names(after), names(before)) {
					t.Fatalf("the directory held %v, now %v", names(before), names(after))
				}
				for n, h := range before {
					if after[n] != h {
						t.Fatalf("%s changed", n)
					}
				}
				t.Logf("%v", err)
			}
		})
	}
}

// TestNewQueueIsMarked: a new queue carries ApplicationID from its creation, and nothing of its
// making (the temporary file it is built in) stays beside it.
func TestNewQueueIsMarked(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, nil)
	s.Close()
	db := rawDB(t, filepath.Join(dir, "queue.db"))
	if id := pragmaInt(t, db, "application_id"); id != storage.ApplicationID {
		t.Fatalf("application_id %#x", id)
	}
	db.Close()
	if got := names(dirState(t, dir)); !slices.Equal(got, []string{"queue.db", "queue.key"}) {
		t.Fatalf("files beside the new queue: %v", got)
	}
}

// TestOpenRefusesAnOrphanWAL: the queue's file gone, its WAL left: no new queue is made beside
// it (it would read the old pages as its own), and the WAL stays for whoever restores.
func TestOpenRefusesAnOrphanWAL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "queue.db")
	s := openStore(t, dir, nil)
	fillQueue(t, s, 3)
	wal, err := os.ReadFile(path + "-wal")
	if err != nil || len(wal) == 0 {
		t.Fatalf("no WAL while the store is open: %v", err)
	}
	s.Close()
	os.Remove(path)
	os.WriteFile(path+"-wal", wal, 0o600)
	before := dirState(t, dir)
	_, err = storage.Open(context.Background(), storage.Config{Path: path, KeyFile: filepath.Join(dir, "queue.key")})
	if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), "write-ahead log") {
		t.Fatalf("orphan WAL: %v", err)
	}
	if after := dirState(t, dir); !reflect.DeepEqual(after, before) {
		t.Fatalf("the directory changed: %v, then %v", names(before), names(after))
	}
}
