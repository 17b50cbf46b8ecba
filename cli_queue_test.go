package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/intaketest"
)

const intakeToken = "cli-test-token-0123456789"

// queueTestEnv is a queue database and key in a temp dir, and the flags that point at them.
type queueTestEnv struct {
	dir, db, key string
}

func newQueueTestEnv(t *testing.T) *queueTestEnv {
	dir := t.TempDir()
	return &queueTestEnv{dir: dir, db: filepath.Join(dir, "queue.db"), key: filepath.Join(dir, "queue.key")}
}

// idbooth runs an idbooth command in-process against the env's queue.
func (e *queueTestEnv) idbooth(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args[:1:1], append([]string{"--db", e.db, "--key", e.key}, args[1:]...)...)
	code := runMain(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// jsonLines decodes each line of out.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		lines = append(lines, m)
	}
	return lines
}

func startTestIntake(t *testing.T) (*httptest.Server, *intake.Store) {
	return intaketest.Start(t, intakeToken)
}

// queueWith enqueues n applications directly (no photo check) and returns their UUIDs.
func (e *queueTestEnv) queueWith(t *testing.T, n int) []string {
	s, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var uuids []string
	for i := 0; i < n; i++ {
		a := storagetest.Application(i, storagetest.Photo(600, 800, 0, 1))
		if err := s.Enqueue(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		uuids = append(uuids, a.UUID)
	}
	return uuids
}

func TestQueueCommand(t *testing.T) {
	e := newQueueTestEnv(t)
	if code, _, errOut := e.idbooth(t, "queue"); code != exitUsage || !strings.Contains(errOut, "no queue there") {
		t.Fatalf("queue without a database: %d %s", code, errOut)
	}
	if _, err := os.Stat(e.db); err == nil {
		t.Fatal("queue created a database")
	}
	e.queueWith(t, 3)
	code, out, _ := e.idbooth(t, "queue", "--limit", "2")
	lines := jsonLines(t, out)
	if code != exitOK || len(lines) != 3 || lines[0]["pending"] != 3.0 || lines[1]["masked_id"] == "" {
		t.Fatalf("queue: %s", out)
	}
	for _, l := range lines[1:] {
		for _, k := range []string{"uuid", "receipt", "masked_id", "state", "attempts", "slip"} {
			if _, ok := l[k]; !ok {
				t.Fatalf("entry without %s: %v", k, l)
			}
		}
	}
	if strings.Contains(out, string(storagetest.FormID(1))) {
		t.Fatalf("queue shows a form ID: %s", out)
	}
	if code, out, _ := e.idbooth(t, "queue", "--state", "failed"); code != exitOK || len(jsonLines(t, out)) != 1 {
		t.Fatalf("queue --state failed: %s", out)
	}
	if code, _, _ := e.idbooth(t, "queue", "--state", "lost"); code != exitUsage {
		t.Fatal("unknown state accepted")
	}
}

// `idbooth queue` pages: --limit (50 by default), the summary's next_page as --after, filters
// kept from page to page; every page starts with the summary line.
func TestQueuePages(t *testing.T) {
	e := newQueueTestEnv(t)
	uuids := e.queueWith(t, 55)
	code, out, _ := e.idbooth(t, "queue")
	lines := jsonLines(t, out)
	if code != exitOK || len(lines) != 51 || lines[0]["kind"] != "summary" || lines[0]["pending"] != 55.0 || lines[0]["next_page"] == nil {
		t.Fatalf("default page: exit %d, %d lines, summary %v", code, len(lines), lines[0])
	}
	// Pages of 7 (and --since in all three spellings) see every entry once, newest first.
	for _, since := range []string{"24h", time.Now().Add(-time.Hour).Format(time.RFC3339), time.Now().Add(-48 * time.Hour).In(booth.JST).Format(time.DateOnly)} {
		var seen []string
		after := ""
		for page := 0; ; page++ {
			args := []string{"queue", "--limit", "7", "--since", since, "--state", "pending,failed"}
			if after != "" {
				args = append(args, "--after", after)
			}
			code, out, errOut := e.idbooth(t, args...)
			lines := jsonLines(t, out)
			if code != exitOK || len(lines) == 0 || lines[0]["kind"] != "summary" || lines[0]["pending"] != 55.0 {
				t.Fatalf("page %d: exit %d %s %s", page, code, out, errOut)
			}
			for _, l := range lines[1:] {
				seen = append(seen, l["uuid"].(string))
			}
			next, _ := lines[0]["next_page"].(string)
			if next == "" {
				if len(lines) != 1+55%7 {
					t.Fatalf("last page has %d entries", len(lines)-1)
				}
				break
			}
			if len(lines) != 8 {
				t.Fatalf("page %d has %d entries", page, len(lines)-1)
			}
			after = next
		}
		if len(seen) != 55 {
			t.Fatalf("--since %s: %d entries over the pages, want 55", since, len(seen))
		}
		for i, u := range seen { // enqueued oldest first, listed newest first
			if u != uuids[54-i] && !sameMillisecond(t, e, u, uuids[54-i]) {
				t.Fatalf("--since %s: entry %d is %s, want %s", since, i, u, uuids[54-i])
			}
		}
	}
	if code, out, _ := e.idbooth(t, "queue", "--since", "2099-01-01"); code != exitOK || len(jsonLines(t, out)) != 1 {
		t.Fatalf("--since in the future: %s", out)
	}
	_, out, _ = e.idbooth(t, "queue", "--limit", "0")
	if n := len(jsonLines(t, out)); n != 56 {
		t.Fatalf("--limit 0 prints %d lines, want all 55 and the summary", n)
	}
	if code, out, _ := e.idbooth(t, "queue", "--last4", storagetest.FormID(3).Last4()); code != exitOK || len(jsonLines(t, out)) != 2 {
		t.Fatalf("--last4: %s", out)
	}
	for _, bad := range [][]string{{"--since", "yesterday"}, {"--after", "not-a-cursor"}, {"--last4", "12a4"}, {"--limit", "-1"}} {
		if code, _, _ := e.idbooth(t, append([]string{"queue"}, bad...)...); code != exitUsage {
			t.Errorf("queue %v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

// sameMillisecond: entries created in the same millisecond are listed by UUID, not by the order
// they were queued in.
func sameMillisecond(t *testing.T, e *queueTestEnv, a, b string) bool {
	s, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	x, err1 := s.Entry(context.Background(), a)
	y, err2 := s.Entry(context.Background(), b)
	return err1 == nil && err2 == nil && x.CreatedAt.Equal(y.CreatedAt)
}

func TestQueueAndSubmitWithWrongKeyLoseNothing(t *testing.T) {
	e := newQueueTestEnv(t)
	e.queueWith(t, 2)
	before, _ := os.ReadFile(e.db)
	good, _ := os.ReadFile(e.key)
	os.WriteFile(e.key, bytes.Repeat([]byte("ab"), 32), 0o600)
	code, _, errOut := e.idbooth(t, "queue")
	if code != exitUsage || !strings.Contains(errOut, "wrong encryption key") {
		t.Fatalf("wrong key: %d %s", code, errOut)
	}
	os.Remove(e.key)
	code, _, errOut = e.idbooth(t, "queue")
	if code != exitUsage || !strings.Contains(errOut, "encryption key missing") {
		t.Fatalf("missing key: %d %s", code, errOut)
	}
	if _, err := os.Stat(e.key); err == nil {
		t.Fatal("a new key replaced the missing one")
	}
	os.WriteFile(e.key, good, 0o600)
	if after, _ := os.ReadFile(e.db); !bytes.Equal(before, after) {
		t.Fatal("the database changed while the key was wrong")
	}
	if code, out, _ := e.idbooth(t, "queue"); code != exitOK || jsonLines(t, out)[0]["pending"] != 2.0 {
		t.Fatalf("with the key back: %s", out)
	}
}

func TestQueueOnCorruptDatabase(t *testing.T) {
	e := newQueueTestEnv(t)
	garbage := bytes.Repeat([]byte("not a queue "), 1000)
	os.WriteFile(e.db, garbage, 0o600)
	for _, args := range [][]string{{"queue"}, {"sync", "--once", "--intake", "http://127.0.0.1:1", "--token", intakeToken}} {
		code, _, errOut := e.idbooth(t, args...)
		if code != exitUsage || !strings.Contains(errOut, "corrupt") {
			t.Errorf("%s on a corrupt file: exit %d %s", args[0], code, errOut)
		}
	}
	if after, _ := os.ReadFile(e.db); !bytes.Equal(after, garbage) {
		t.Fatal("the corrupt file was changed")
	}
}

// queueAt enqueues n applications created at the given time and, when sent, marks them sent
// then; it returns them.
func (e *queueTestEnv) queueAt(t *testing.T, at time.Time, n int, sent bool) []*booth.Application {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{Path: e.db, KeyFile: e.key, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var apps []*booth.Application
	for i := 0; i < n; i++ {
		a := storagetest.Application(i, storagetest.Photo(600, 800, 0, 1))
		if err := s.Enqueue(ctx, a); err != nil {
			t.Fatal(err)
		}
		if sent {
			if err := s.MarkSent(ctx, a.UUID); err != nil {
				t.Fatal(err)
			}
		}
		apps = append(apps, a)
	}
	return apps
}

// `idbooth queue` filters: --since keeps the newer ones only, --receipt finds one application
// (in any case), --state one or more states; the summary line counts the whole queue every time.
func TestQueueFilters(t *testing.T) {
	e := newQueueTestEnv(t)
	now := time.Now()
	old := e.queueAt(t, now.Add(-72*time.Hour), 5, false)
	e.queueAt(t, now.Add(-48*time.Hour), 2, true)
	e.queueWith(t, 4)
	s, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(context.Background(), old[1].UUID, "intake: 409"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--since", "24h"}, 4},
		{[]string{"--since", now.Add(-60 * time.Hour).Format(time.RFC3339)}, 6},
		{[]string{"--since", now.Add(-5 * 24 * time.Hour).In(booth.JST).Format(time.DateOnly)}, 11},
		{[]string{"--receipt", old[3].Receipt}, 1},
		{[]string{"--receipt", strings.ToLower(old[3].Receipt)}, 1},
		{[]string{"--receipt", "2222-2222"}, 0},
		{[]string{"--state", "sent"}, 2},
		{[]string{"--state", "sent,failed"}, 3},
		{[]string{"--state", "pending", "--since", "24h", "--limit", "3"}, 3},
		{[]string{"--state", "failed", "--since", "24h"}, 0},
	} {
		code, out, errOut := e.idbooth(t, append([]string{"queue"}, c.args...)...)
		lines := jsonLines(t, out)
		if code != exitOK || len(lines) != 1+c.want || lines[0]["kind"] != "summary" ||
			lines[0]["pending"] != 8.0 || lines[0]["sent"] != 2.0 || lines[0]["failed"] != 1.0 {
			t.Fatalf("queue %v: exit %d, %d entries, want %d: %s %s", c.args, code, len(lines)-1, c.want, out, errOut)
		}
		for _, l := range lines[1:] {
			if l["kind"] != "entry" {
				t.Fatalf("queue %v: %v", c.args, l)
			}
			if c.args[0] == "--receipt" && l["uuid"] != old[3].UUID {
				t.Fatalf("queue %v found %v", c.args, l["uuid"])
			}
		}
	}
}

// Compaction follows compact-after (a flag, the environment or the config file; default a
// year): sent applications whose personal data is gone leave the list for the daily counts, and
// the summary still counts them; 0 never compacts.
func TestSyncCompactsAfterTheConfiguredTime(t *testing.T) {
	e := newQueueTestEnv(t)
	now := time.Now()
	e.queueAt(t, now.AddDate(0, 0, -400), 3, true)
	e.queueAt(t, now.AddDate(0, 0, -100), 2, true)
	e.queueWith(t, 1)
	srv, _ := startTestIntake(t)
	sync := func(args ...string) {
		t.Helper()
		args = append([]string{"sync", "--once", "--intake", srv.URL, "--token", intakeToken}, args...)
		if code, out, errOut := e.idbooth(t, args...); code != exitOK {
			t.Fatalf("%v: exit %d %s %s", args, code, out, errOut)
		}
	}
	check := func(step string, compacted int) {
		t.Helper()
		code, out, _ := e.idbooth(t, "queue", "--limit", "0")
		lines := jsonLines(t, out)
		sum := lines[0]
		if code != exitOK || sum["sent"] != 6.0 || sum["purged"] != 5.0 || sum["compacted"] != float64(compacted) ||
			len(lines) != 1+6-compacted {
			t.Fatalf("%s: exit %d, %d entries, summary %v; want %d compacted", step, code, len(lines)-1, sum, compacted)
		}
	}
	sync("--compact-after", "0")
	check("compact-after 0", 0)
	sync()
	check("by default", 3)
	t.Setenv("IDBOOTH_COMPACT_AFTER", "2160h")
	sync()
	check("IDBOOTH_COMPACT_AFTER=2160h", 5)
	if code, _, _ := e.idbooth(t, "sync", "--once", "--intake", srv.URL, "--token", intakeToken, "--compact-after", "a year"); code != exitUsage {
		t.Fatal("a bad --compact-after was accepted")
	}
}

// `idbooth queue` and `idbooth sync` pointed at a file that is not a queue (issue 9): another
// application's SQLite database, an intake database, an empty file, random bytes. Each is
// refused with exit 2 and a message for the operator, and left exactly as it was (same
// SHA-256, no WAL, no key created beside it); people get a translated message.
func TestQueueNeverTouchesAForeignFile(t *testing.T) {
	intakeDir := filepath.Join(t.TempDir(), "intake")
	is, err := intake.OpenStore(context.Background(), intakeDir)
	if err != nil {
		t.Fatal(err)
	}
	is.Close()
	intakeDB, err := os.ReadFile(filepath.Join(intakeDir, intake.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 32<<10)
	rand.Read(random)
	cases := []struct {
		name  string
		make  func(path string) error
		words string
	}{
		{"another application's SQLite file", func(path string) error {
			db, err := sql.Open("sqlite3", "file:"+path)
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.Exec(`CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('a', '1')`)
			return err
		}, "not a queue database"},
		{"an intake database", func(path string) error { return os.WriteFile(path, intakeDB, 0o600) }, "not a queue database"},
		{"an empty file", func(path string) error { return os.WriteFile(path, nil, 0o600) }, "empty (0 bytes)"},
		{"random bytes", func(path string) error { return os.WriteFile(path, random, 0o600) }, "not an SQLite database"},
	}
	srv, _ := startTestIntake(t)
	for _, c := range cases {
		e := newQueueTestEnv(t)
		if err := c.make(e.db); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(e.db)
		for _, args := range [][]string{{"queue"}, {"queue", "--requeue-failed"}, {"sync", "--once", "--intake", srv.URL, "--token", intakeToken}} {
			code, out, errOut := e.idbooth(t, args...)
			if code != exitUsage || out != "" || !strings.Contains(errOut, c.words) {
				t.Errorf("%s: %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.name, args, code, out, errOut, c.words)
			}
		}
		after, _ := os.ReadFile(e.db)
		if sha256.Sum256(after) != sha256.Sum256(before) {
			t.Errorf("%s: the file changed", c.name)
		}
		ents, _ := os.ReadDir(e.dir)
		if len(ents) != 1 {
			t.Errorf("%s: %d files beside it now", c.name, len(ents))
		}
		// The kiosk and `idbooth submit` open the queue the same way, creating it when missing:
		// what people are told.
		_, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key})
		if msg := assets.Messages("en").Error(err); err == nil || !strings.Contains(msg, "staff") || strings.Contains(msg, e.db) {
			t.Errorf("%s: people read %q", c.name, msg)
		}
	}
}
