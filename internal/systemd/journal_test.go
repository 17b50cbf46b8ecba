package systemd

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-systemd/v22/journal"
)

type sent struct {
	msg  string
	pri  journal.Priority
	vars map[string]string
}

func TestJournalHandlerFields(t *testing.T) {
	var got []sent
	h := newJournalHandler("idbooth", slog.LevelInfo, func(m string, p journal.Priority, v map[string]string) error {
		got = append(got, sent{m, p, v})
		return nil
	}, nil)
	log := slog.New(h).With("booth", "B-01").WithGroup("sync")
	log.Info("kiosk ready", "startup_ms", 357, slog.Group("queue", "pending", 3))
	log.Warn("camera stopped", "err", errors.New("device gone"), "2nd", "x")
	log.Debug("not at info level")

	if len(got) != 2 {
		t.Fatalf("sent %d records, want 2 (debug is below the level)", len(got))
	}
	r := got[0]
	if r.msg != "kiosk ready booth=B-01 sync.startup_ms=357 sync.queue.pending=3" || r.pri != journal.PriInfo {
		t.Errorf("message %q priority %d", r.msg, r.pri)
	}
	for k, want := range map[string]string{"SYSLOG_IDENTIFIER": "idbooth", "BOOTH": "B-01", "SYNC_STARTUP_MS": "357", "SYNC_QUEUE_PENDING": "3"} {
		if r.vars[k] != want {
			t.Errorf("field %s = %q, want %q (all: %v)", k, r.vars[k], want, r.vars)
		}
	}
	w := got[1]
	if w.pri != journal.PriWarning || w.vars["SYNC_ERR"] != "device gone" || w.vars["SYNC_2ND"] != "x" {
		t.Errorf("warning: priority %d fields %v", w.pri, w.vars)
	}
	if !strings.Contains(w.msg, `sync.err="device gone"`) {
		t.Errorf("message %q does not quote a value with a space", w.msg)
	}
}

func TestJournalHandlerFallsBackWhenJournalRefuses(t *testing.T) {
	var buf bytes.Buffer
	h := newJournalHandler("idbooth", nil, func(string, journal.Priority, map[string]string) error {
		return errors.New("no socket")
	}, &buf)
	slog.New(h).Error("queue full", "free_mb", 3)
	if got := buf.String(); got != "ERROR queue full free_mb=3\n" {
		t.Errorf("fallback wrote %q", got)
	}
}

func TestFieldNames(t *testing.T) {
	for in, want := range map[string]string{"a.b-c": "A_B_C", "_x": "F_X", "9": "F9", "": "F", "ok_Z9": "OK_Z9"} {
		if got := fieldName(in); got != want {
			t.Errorf("fieldName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWatchdogIntervalAndBeat(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	t.Setenv("WATCHDOG_USEC", "20000000")
	if NewWatchdog() != nil {
		t.Fatal("a watchdog without a notify socket")
	}
	t.Setenv("NOTIFY_SOCKET", "/run/x")
	// Another process's PID (cage's) does not switch the watchdog off for its child.
	t.Setenv("WATCHDOG_PID", "1")
	if got := WatchdogInterval(); got != 20*time.Second {
		t.Fatalf("interval %v, want 20s", got)
	}
	now := time.Unix(0, 0)
	var pings []string
	w := &Watchdog{interval: 20 * time.Second, now: func() time.Time { return now }, send: func(s string) { pings = append(pings, s) }}
	for i := 0; i < 100; i++ { // 25 s of beats every 250 ms
		w.Beat()
		now = now.Add(250 * time.Millisecond)
	}
	if len(pings) != 5 || pings[0] != "WATCHDOG=1" {
		t.Errorf("pings %v: want one every 5 s", pings)
	}
	var none *Watchdog
	none.Beat() // no watchdog: nothing happens
}
