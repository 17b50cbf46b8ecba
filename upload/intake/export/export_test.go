package export_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/export"
)

var t0 = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

// held is an ordered list of received applications; failAfter makes the n-th read fail (a
// crash part-way).
type held struct {
	apps      []intake.Received
	reads     int
	failAfter int
}

func (h *held) Received(_ context.Context, after intake.Cursor, until time.Time, limit int) ([]intake.Received, error) {
	h.reads++
	if h.failAfter > 0 && h.reads > h.failAfter {
		return nil, errors.New("connection lost")
	}
	var out []intake.Received
	for _, r := range h.apps {
		if len(out) == limit {
			break
		}
		newer := r.At.After(after.At) || (r.At.Equal(after.At) && r.UUID > after.UUID)
		if newer && r.At.Before(until) {
			out = append(out, r)
		}
	}
	return out, nil
}

func app(i int, at time.Time) intake.Received {
	return intake.Received{At: at, Application: &upload.Application{
		UUID:   "00000000-0000-4000-8000-" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "0000000000",
		FormID: "12340000000000000000001", PhotoJPEG: []byte{0xff, 0xd8, byte(i), 0xff, 0xd9}, PhotoSHA256: "x",
	}}
}

func readLines(t *testing.T, dir string) []export.Line {
	f, err := os.Open(filepath.Join(dir, export.LinesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []export.Line
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l export.Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

func TestExportResumesExactlyOnce(t *testing.T) {
	h := &held{}
	for i := 0; i < 23; i++ {
		h.apps = append(h.apps, app(i, t0.Add(time.Duration(i/2)*time.Second))) // pairs share a time
	}
	// One more, received 30 s before now: too recent, it waits for the next run.
	now := t0.Add(time.Hour)
	h.apps = append(h.apps, app(23, now.Add(-30*time.Second)))
	dir := t.TempDir()
	opts := export.Options{Since: t0.Add(time.Second), Settle: export.Settle, Now: func() time.Time { return now }, Page: 5}

	h.failAfter = 2 // the third read fails: two pages written
	n, err := export.Run(context.Background(), h, dir, opts)
	if err == nil || n != 10 {
		t.Fatalf("first run: %d %v", n, err)
	}
	// A half-written page after the cursor (a crash during the write) is cut off on resume.
	f, _ := os.OpenFile(filepath.Join(dir, export.LinesFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"uuid":"half`)
	f.Close()

	h.failAfter, h.reads = 0, 0
	if n, err = export.Run(context.Background(), h, dir, opts); err != nil || n != 11 {
		t.Fatalf("resumed run: %d %v", n, err)
	}
	lines := readLines(t, dir)
	// Since t0+1s leaves out the first two; the last is too recent.
	if len(lines) != 21 {
		t.Fatalf("%d lines, want 21", len(lines))
	}
	for i, l := range lines {
		want := h.apps[i+2]
		if l.UUID != want.UUID || !l.ReceivedAt.Equal(want.At) || l.Application.PhotoJPEG != nil {
			t.Fatalf("line %d: %+v, want %s", i, l, want.UUID)
		}
		b, err := os.ReadFile(filepath.Join(dir, l.Photo))
		if err != nil || string(b) != string(want.PhotoJPEG) {
			t.Fatalf("photo of line %d: %v", i, err)
		}
	}
	// Later, the recent one is exported, alone.
	opts.Now = func() time.Time { return now.Add(time.Hour) }
	if n, err = export.Run(context.Background(), h, dir, opts); err != nil || n != 1 {
		t.Fatalf("later run: %d %v", n, err)
	}
	if lines := readLines(t, dir); len(lines) != 22 || lines[21].UUID != h.apps[23].UUID {
		t.Fatalf("after the later run: %d lines", len(lines))
	}
	fi, _ := os.Stat(filepath.Join(dir, export.LinesFile))
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("lines file mode %v: it holds personal data", fi.Mode())
	}
}
