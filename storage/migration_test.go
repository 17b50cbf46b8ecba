package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage"
)

// v1Fixture is testdata/queue-v1.json: what the storage package before issue 16 said about the
// queue it wrote to testdata/queue-v1.db (see testdata/README.md).
type v1Fixture struct {
	Now     time.Time       `json:"now"`
	Stats   storage.Stats   `json:"stats"`
	Entries []storage.Entry `json:"entries"`
	Apps    map[string]struct {
		FormID    string `json:"form_id"`
		BirthDate string `json:"birth_date"`
		PhotoHash string `json:"photo_sha256"`
	} `json:"apps"`
}

// copyV1Queue copies the queue made by the code before issue 16 into dir.
func copyV1Queue(t *testing.T, dir string) (v1Fixture, storage.Config) {
	t.Helper()
	var f v1Fixture
	buf, err := os.ReadFile("testdata/queue-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf, &f); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"queue-v1.db", "queue-v1.key"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	now := f.Now
	return f, storage.Config{Path: filepath.Join(dir, "queue-v1.db"), KeyFile: filepath.Join(dir, "queue-v1.key"),
		Now: func() time.Time { return now }}
}

// v1Tables is every column the schema before issue 16 had, row by row: what the migration must
// leave exactly as it was. Sealed values are compared by hash.
const v1Tables = `SELECT 'a', uuid, receipt, form_id_last4, booth_id, booth_name, lang, channel, card_mailed,
	photo_overridden, photo_size, created_at, purged_at, slip_state, slip_error, slip_printed_at, slip_reprints
	FROM applications
	UNION ALL SELECT 's', uuid, hex(personal), hex(photo), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL FROM sealed
	UNION ALL SELECT 'o', uuid, state, attempts, next_attempt_at, last_error, last_error_at, sent_at, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL FROM outbox
	UNION ALL SELECT 'm', name, hex(value), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL FROM meta
	ORDER BY 1, 2`

func dumpRows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprint(vals...)
		if vals[0] == "s" { // keep the test's output short
			h := sha256.Sum256([]byte(line))
			line = "s " + hex.EncodeToString(h[:])
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func pragmaInt(t *testing.T, db *sql.DB, pragma string) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA " + pragma).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMigrationKeepsAQueueOfTheOldSchema opens the queue that the code before issue 16 wrote:
// the migration adds indexes, counters and the summary table, turns incremental auto-vacuum on,
// and loses or changes no application; Stats and List say what the old code said.
func TestMigrationKeepsAQueueOfTheOldSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, cfg := copyV1Queue(t, dir)
	old := rawDB(t, cfg.Path)
	before := dumpRows(t, old, v1Tables)
	if pragmaInt(t, old, "auto_vacuum") != 0 || pragmaInt(t, old, "freelist_count") == 0 {
		t.Fatal("the fixture should be an old queue: no auto-vacuum, pages freed by its purge")
	}
	var migrations int
	old.QueryRow(`SELECT COUNT(*) FROM migrations`).Scan(&migrations)
	old.Close()
	if migrations != 1 || len(before) != 16+8+16+1 {
		t.Fatalf("fixture: %d migrations, %d rows", migrations, len(before))
	}

	s, err := storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := f.Stats; st != want {
		t.Errorf("stats after the migration\n got %+v\nwant %+v", st, want)
	}
	entries, err := s.List(ctx, storage.Filter{})
	for i := range f.Entries { // not in the JSON
		f.Entries[i].FormIDLast4 = f.Entries[i].MaskedFormID[len(f.Entries[i].MaskedFormID)-4:]
	}
	if err != nil || !reflect.DeepEqual(entries, f.Entries) {
		t.Errorf("list after the migration (%v)\n got %+v\nwant %+v", err, entries, f.Entries)
	}
	for _, e := range f.Entries {
		a, err := s.Get(ctx, e.UUID)
		want, kept := f.Apps[e.UUID]
		switch {
		case !kept && e.Purged && errors.Is(err, storage.ErrPurged):
		case kept && err == nil:
			h := sha256.Sum256(a.Photo)
			if string(a.FormID) != want.FormID || a.BirthDate.String() != want.BirthDate || hex.EncodeToString(h[:]) != want.PhotoHash {
				t.Errorf("%s: personal data changed", e.UUID)
			}
		default:
			t.Errorf("%s: get: %v (purged %v)", e.UUID, err, e.Purged)
		}
	}
	checkStatsExact(t, s)
	if ok, err := s.IntegrityCheck(ctx); ok != "ok" || err != nil {
		t.Fatalf("integrity: %s %v", ok, err)
	}
	s.Close()

	db := rawDB(t, cfg.Path)
	if after := dumpRows(t, db, v1Tables); !reflect.DeepEqual(after, before) {
		t.Errorf("the migration changed the old rows:\n%s", diffLines(before, after))
	}
	var bad int
	db.QueryRow(`SELECT COUNT(*) FROM outbox o JOIN applications a USING (uuid)
		WHERE o.created_at <> a.created_at OR o.purged <> (a.purged_at IS NOT NULL)`).Scan(&bad)
	db.QueryRow(`SELECT COUNT(*) FROM migrations`).Scan(&migrations)
	if known, _ := fs.Glob(os.DirFS("migration"), "*.sql"); bad != 0 || migrations != len(known) {
		t.Errorf("%d outbox rows with wrong created_at or purged; %d migrations of %d", bad, migrations, len(known))
	}
	if id := pragmaInt(t, db, "application_id"); id != storage.ApplicationID {
		t.Errorf("application_id %#x after the first open, want %#x", id, storage.ApplicationID)
	}
	// The one VACUUM turned incremental auto-vacuum on and dropped the pages the old purge freed.
	if av, free := pragmaInt(t, db, "auto_vacuum"), pragmaInt(t, db, "freelist_count"); av != 2 || free != 0 {
		t.Errorf("auto_vacuum %d, %d free pages; want 2 (incremental), 0", av, free)
	}
	db.Close()

	// Opening again runs nothing: not a migration, not a VACUUM.
	file, _ := os.ReadFile(cfg.Path)
	s, err = storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if again, _ := os.ReadFile(cfg.Path); !bytes.Equal(again, file) {
		t.Error("a second Open changed the file")
	}
}

// TestMigrationWithWrongKeyChangesNothing: the key is checked before the migrations, the
// application_id and the one-time VACUUM, so an operator's mistake leaves the file as it was.
func TestMigrationWithWrongKeyChangesNothing(t *testing.T) {
	dir := t.TempDir()
	_, cfg := copyV1Queue(t, dir)
	before, _ := os.ReadFile(cfg.Path)
	cfg.KeyFile = ""
	cfg.Key = bytes.Repeat([]byte{7}, storage.KeySize)
	if _, err := storage.Open(context.Background(), cfg); !errors.Is(err, storage.ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
	if after, _ := os.ReadFile(cfg.Path); !bytes.Equal(after, before) {
		t.Fatal("a wrong key changed the old queue")
	}
}

func diffLines(a, b []string) string {
	var sb strings.Builder
	in := func(l []string, s string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, l := range a {
		if !in(b, l) {
			sb.WriteString("- " + l + "\n")
		}
	}
	for _, l := range b {
		if !in(a, l) {
			sb.WriteString("+ " + l + "\n")
		}
	}
	return sb.String()
}
