package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
