package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/storage"
)

// `idbooth backup --out F` and `idbooth restore F` (issue 15): the backup is taken while the
// queue is open elsewhere, stays encrypted, and restores the queue as it was, with the key; the
// replaced queue is kept in backup/. A wrong key or a file that is not a queue restores nothing.
func TestBackupAndRestoreCommands(t *testing.T) {
	e := newQueueTestEnv(t)
	out := filepath.Join(t.TempDir(), "booth-7.backup")
	if code, _, errOut := e.idbooth(t, "backup", "--out", out); code != exitUsage || !strings.Contains(errOut, "no queue there") {
		t.Fatalf("backup without a queue: %d %s", code, errOut)
	}
	if code, _, _ := e.idbooth(t, "backup"); code != exitUsage {
		t.Fatal("backup without --out accepted")
	}
	e.queueWith(t, 5)
	// The kiosk has the queue open meanwhile.
	kiosk, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	defer kiosk.Close()
	code, stdout, errOut := e.idbooth(t, "backup", "--out", out)
	lines := jsonLines(t, stdout)
	if code != exitOK || len(lines) != 1 || lines[0]["backup"] != out || lines[0]["bytes"].(float64) < 4096 {
		t.Fatalf("backup: exit %d %s %s", code, stdout, errOut)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode %v %v", fi.Mode(), err)
	}
	if code, _, errOut := e.idbooth(t, "backup", "--out", out); code != exitUsage || !strings.Contains(errOut, "already exists") {
		t.Fatalf("backup over an existing file: %d %s", code, errOut)
	}
	backupHash := sha256OfFile(t, out)
	e.queueWith(t, 2) // after the backup

	// A wrong key, another application's file: nothing restored, nothing changed.
	otherKey := filepath.Join(e.dir, "other.key")
	os.WriteFile(otherKey, bytes.Repeat([]byte("cd"), 32), 0o600)
	foreign := filepath.Join(t.TempDir(), "notes.db")
	db, _ := sql.Open("sqlite3", "file:"+foreign)
	db.Exec(`CREATE TABLE notes (body TEXT)`)
	db.Close()
	before := sha256OfFile(t, e.db)
	for _, c := range []struct {
		args  []string
		words string
	}{
		{[]string{"restore", "--key", otherKey, out}, "wrong encryption key"},
		{[]string{"restore", foreign}, "not a queue database"},
		{[]string{"restore", filepath.Join(e.dir, "none.backup")}, "no backup file"},
		{[]string{"restore"}, "usage"},
	} {
		var code int
		var errOut string
		if len(c.args) > 1 && c.args[1] == "--key" { // not the env's key
			var o, eo bytes.Buffer
			code = runMain(context.Background(), append([]string{"restore", "--db", e.db}, c.args[1:]...), &o, &eo)
			errOut = eo.String()
		} else {
			code, _, errOut = e.idbooth(t, c.args...)
		}
		if code != exitUsage || !strings.Contains(errOut, c.words) {
			t.Errorf("%v: exit %d %s", c.args, code, errOut)
		}
	}
	if sha256OfFile(t, e.db) != before {
		t.Fatal("a refused restore changed the queue")
	}

	code, stdout, errOut = e.idbooth(t, "restore", out)
	lines = jsonLines(t, stdout)
	if code != exitOK || len(lines) != 1 || lines[0]["restored"] != out {
		t.Fatalf("restore: exit %d %s %s", code, stdout, errOut)
	}
	if q := lines[0]["queue"].(map[string]any); q["pending"] != 5.0 {
		t.Fatalf("restored queue: %v", q)
	}
	replaced, _ := lines[0]["replaced"].(string)
	if filepath.Dir(replaced) != filepath.Join(e.dir, "backup") {
		t.Fatalf("the replaced queue went to %q", replaced)
	}
	if _, stdout, _ := e.idbooth(t, "queue", "--limit", "0"); len(jsonLines(t, stdout)) != 1+5 {
		t.Fatalf("queue after the restore: %s", stdout)
	}
	// The kiosk's open store reads the restored queue too.
	if st, err := kiosk.Stats(context.Background()); err != nil || st.Pending != 5 {
		t.Fatalf("the kiosk's view after the restore: %+v %v", st, err)
	}
	if sha256OfFile(t, out) != backupHash {
		t.Fatal("the restore changed the backup file")
	}
	// What was replaced can itself be restored: the 7 applications come back.
	if code, stdout, errOut := e.idbooth(t, "restore", replaced); code != exitOK || jsonLines(t, stdout)[0]["queue"].(map[string]any)["pending"] != 7.0 {
		t.Fatalf("restore of the replaced queue: %d %s %s", code, stdout, errOut)
	}
}

// A queue that a newer idbooth migrated is refused by every command, untouched, with a message
// that says what to do.
func TestQueueOfANewerSchemaIsRefused(t *testing.T) {
	e := newQueueTestEnv(t)
	e.queueWith(t, 2)
	db, err := sql.Open("sqlite3", "file:"+e.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO migrations (name) VALUES ('migration/9999_next_release.sql')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := sha256OfFile(t, e.db)
	for _, args := range [][]string{{"queue"}, {"backup", "--out", filepath.Join(e.dir, "b")}} {
		if code, _, errOut := e.idbooth(t, args...); code != exitUsage || !strings.Contains(errOut, "newer version of idbooth") ||
			!strings.Contains(errOut, "9999_next_release") {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
	}
	if sha256OfFile(t, e.db) != before {
		t.Fatal("the newer queue was changed")
	}
	if _, err := os.Stat(filepath.Join(e.dir, "backup")); err == nil {
		t.Fatal("a backup was made of a queue this version cannot read")
	}
}

// The commands are in the help that the man page is made from.
func TestBackupCommandsInHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runMain(context.Background(), []string{"--help"}, &out, &errOut); code != exitOK {
		t.Fatal(code)
	}
	for _, want := range []string{"\n  backup ", "\n  restore "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, out.String())
		}
	}
}

func sha256OfFile(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
