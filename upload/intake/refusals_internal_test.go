package intake

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The refusal log writes the first refusal of a client, then one line per code when the
// client's interval ends, and counts any number of clients in bounded memory.
func TestRefusalLogIntervalsAndBound(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	l := newRefusalLog(slog.New(slog.NewTextHandler(&out, nil)), time.Minute, func() time.Time { return now })
	lines := func() []string {
		s := strings.TrimSpace(out.String())
		out.Reset()
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}

	l.refused("192.0.2.1", 401, "unauthorized") // written at once
	if got := lines(); len(got) != 1 || !strings.Contains(got[0], "code=unauthorized") {
		t.Fatalf("first refusal: %q", got)
	}
	for i := 0; i < 99; i++ {
		l.refused("192.0.2.1", 401, "unauthorized")
	}
	l.refused("192.0.2.1", 400, "bad_json")
	now = now.Add(30 * time.Second)
	l.flush(false) // the interval has not ended
	if got := lines(); got != nil {
		t.Fatalf("mid-interval: %q", got)
	}
	now = now.Add(31 * time.Second)
	l.flush(false)
	got := strings.Join(lines(), "\n")
	if !strings.Contains(got, "code=unauthorized count=100 seconds=61") || !strings.Contains(got, "code=bad_json count=1 ") {
		t.Fatalf("end of interval: %s", got)
	}
	l.refused("192.0.2.1", 400, "bad_json") // a new interval starts with a line
	if got := lines(); len(got) != 1 {
		t.Fatalf("new interval: %q", got)
	}
	l.flush(true) // a lone refusal was written already
	if got := lines(); got != nil {
		t.Fatalf("lone refusal summarised again: %q", got)
	}

	for i := 0; i < 10*maxLoggedClients; i++ {
		l.refused(fmt.Sprintf("2001:db8::%x", i), 401, "unauthorized")
	}
	if n := len(l.clients); n > maxLoggedClients+1 {
		t.Fatalf("%d clients held", n)
	}
	if n := len(lines()); n != maxLoggedClients+1 {
		t.Fatalf("%d lines for the first refusals of %d clients, want one per client held", n, 10*maxLoggedClients)
	}
	l.flush(true)
	if got := strings.Join(lines(), "\n"); !strings.Contains(got, "client=other status=401 code=unauthorized count=9216 ") {
		t.Fatalf("overflow: %s", got)
	}
}
