package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/export"
)

// TestExportCommand: export writes what the intake holds as JSON lines with the photos beside
// them, a second run adds only what came since, and gc has nothing to collect on SQLite.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	data, out := filepath.Join(dir, "intake"), filepath.Join(dir, "handover")
	srv, err := startServer(t, "--listen", "127.0.0.1:0", "--data", data, "--token", testToken)
	if err != nil {
		t.Fatal(err)
	}
	client, err := upload.NewClient(upload.ClientConfig{URL: "http://" + srv.addr, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdle()
	q := queueOf(t, dir, "booth-x", 5)
	send := func(from, to int) {
		entries, err := q.List(context.Background(), storage.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries[from:to] {
			a, err := q.Get(context.Background(), e.UUID)
			if err != nil {
				t.Fatal(err)
			}
			if err := client.Put(context.Background(), upload.FromApplication(a)); err != nil {
				t.Fatal(err)
			}
		}
	}
	exportRun := func(want int) {
		t.Helper()
		code, stdout, errOut := runCmd("export", "--data", data, "--out", out, "--settle", "0s", "--since", "2020-01-01")
		if code != 0 || strings.TrimSpace(stdout) != fmt.Sprintf(`{"exported":%d}`, want) {
			t.Fatalf("export: exit %d %q %s", code, stdout, errOut)
		}
	}
	send(0, 3)
	time.Sleep(5 * time.Millisecond) // received times in milliseconds: the next ones come later
	exportRun(3)
	send(3, 5)
	time.Sleep(5 * time.Millisecond)
	exportRun(2)
	exportRun(0)
	srv.stop(t)

	f, err := os.Open(filepath.Join(out, export.LinesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l export.Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		photo, err := os.ReadFile(filepath.Join(out, l.Photo))
		if err != nil || seen[l.UUID] || l.Application.BoothID != "booth-x" || l.Application.PhotoSHA256 != sha256Hex(photo) {
			t.Fatalf("line for %s: %v (seen before: %v)", l.UUID, err, seen[l.UUID])
		}
		seen[l.UUID] = true
	}
	if len(seen) != 5 {
		t.Fatalf("%d applications exported, want 5", len(seen))
	}
	if code, _, errOut := runCmd("gc", "--data", data); code != 2 || !strings.Contains(errOut, "nothing to collect") {
		t.Fatalf("gc on SQLite: exit %d %s", code, errOut)
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
