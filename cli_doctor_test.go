package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// doctorReport runs idbooth doctor and returns its exit code and its lines by check.
func (e *queueTestEnv) doctor(t *testing.T, args ...string) (int, map[string]map[string]any) {
	t.Helper()
	code, out, errOut := e.idbooth(t, append([]string{"doctor"}, args...)...)
	lines := map[string]map[string]any{}
	var order []string
	for _, l := range jsonLines(t, out) {
		lines[l["check"].(string)] = l
		order = append(order, l["check"].(string))
	}
	if strings.Join(order, ",") != "queue,audit,disk,camera,printer,intake,clock" {
		t.Fatalf("checks %v (stderr %s)", order, errOut)
	}
	return code, lines
}

func TestDoctorOnAHealthyBoothThenOnBrokenOnes(t *testing.T) {
	e := newQueueTestEnv(t)
	e.queueWith(t, 2)
	srv, _ := startTestIntake(t)
	slips := filepath.Join(e.dir, "slips")
	good := []string{"--camera", "demo", "--printer", "pdf:" + slips, "--intake", srv.URL, "--token", intakeToken}
	code, r := e.doctor(t, good...)
	if code != exitOK {
		t.Fatalf("healthy booth: exit %d: %v", code, r)
	}
	for check, want := range map[string]string{"queue": "2 pending", "camera": "5 frames of 1280x720", "printer": slips,
		"intake": "accepts the token", "clock": "within 2m0s of the intake's", "audit": "chain sound"} {
		if d := r[check]["detail"].(string); !strings.Contains(d, want) {
			t.Errorf("%s: %q lacks %q", check, d, want)
		}
	}

	// Each fault fails its own line only, and the exit code.
	broken := map[string][]string{
		"intake":  {"--camera", "demo", "--printer", "pdf:" + slips, "--intake", srv.URL, "--token", "wrong-token-0123456789"},
		"camera":  {"--camera", filepath.Join(e.dir, "no-such-camera"), "--printer", "pdf:" + slips},
		"printer": {"--camera", "demo", "--printer", "escpos://127.0.0.1:1"},
		"disk":    {"--camera", "demo", "--printer", "pdf:" + slips, "--min-free-mb", "999999999"},
	}
	for fault, args := range broken {
		code, r := e.doctor(t, args...)
		for check, l := range r {
			if ok := l["ok"].(bool); ok == (check == fault) {
				t.Errorf("%s broken: %s ok=%v: %s", fault, check, ok, l["detail"])
			}
		}
		if code != exitFailed {
			t.Errorf("%s broken: exit %d", fault, code)
		}
	}

	// An audit log edited with the sqlite3 shell fails the audit line alone.
	sqlite3(t, e.db, `DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;
		UPDATE audit SET detail = 'manual' WHERE seq = (SELECT MAX(seq) FROM audit)`)
	code, r = e.doctor(t, good...)
	for check, l := range r {
		if ok := l["ok"].(bool); ok == (check == "audit") {
			t.Errorf("audit edited: %s ok=%v: %s", check, ok, l["detail"])
		}
	}
	if code != exitFailed || !strings.Contains(r["audit"]["detail"].(string), "audit log changed") {
		t.Errorf("audit edited: exit %d, audit %v", code, r["audit"])
	}

	// The wrong key: the queue cannot be read, and doctor says so without touching it.
	before, _ := os.ReadFile(e.db)
	os.WriteFile(e.key, []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	code, r = e.doctor(t, good...)
	if code != exitFailed || r["queue"]["ok"].(bool) || !strings.Contains(r["queue"]["detail"].(string), "key") {
		t.Errorf("wrong key: exit %d, queue %v", code, r["queue"])
	}
	if after, _ := os.ReadFile(e.db); string(after) != string(before) {
		t.Error("doctor changed the queue file")
	}
}

func TestDoctorClock(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	if _, err := checkClock(now, now.Add(-90*time.Second)); err != nil {
		t.Errorf("90 s off: %v", err)
	}
	if _, err := checkClock(now, now.Add(3*time.Minute)); err == nil || !strings.Contains(err.Error(), "-3m0s off") {
		t.Errorf("3 min behind the intake: %v", err)
	}
	if _, err := checkClock(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}); err == nil {
		t.Error("a clock in 2000 passed")
	}
}
