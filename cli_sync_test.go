package main

import (
	"net"
	"strings"
	"testing"
)

func TestSyncOnceExitCodes(t *testing.T) {
	e := newQueueTestEnv(t)
	if code, _, _ := e.idbooth(t, "sync", "--once", "--intake", "http://127.0.0.1:1", "--token", intakeToken); code != exitUsage {
		t.Fatal("sync without a queue must be a usage/I-O error")
	}
	e.queueWith(t, 3)
	if code, _, _ := e.idbooth(t, "sync", "--once", "--token", intakeToken); code != exitUsage {
		t.Fatal("sync without --intake accepted")
	}
	if code, _, errOut := e.idbooth(t, "sync", "--once", "--intake", "http://intake.example.jp", "--token", intakeToken); code != exitUsage ||
		!strings.Contains(errOut, "loopback") {
		t.Fatalf("plain http to a remote host accepted: %s", errOut)
	}

	// The intake is down: nothing is lost, exit 1, the operator sees why.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	ln.Close()
	code, out, _ := e.idbooth(t, "sync", "--once", "--intake", down, "--token", intakeToken)
	report := jsonLines(t, out)[0]
	queue := report["queue"].(map[string]any)
	if code != exitFailed || report["sent"] != 0.0 || queue["pending"] != 3.0 || !strings.Contains(report["last_error"].(string), "refused") {
		t.Fatalf("intake down: exit %d %s", code, out)
	}

	// The intake is back. The applications are waiting out their backoff, but an operator
	// who runs sync --once means now: all are sent (environment variables name the intake as
	// the contract says).
	srv, held := startTestIntake(t)
	t.Setenv("IDBOOTH_INTAKE_URL", srv.URL)
	t.Setenv("IDBOOTH_INTAKE_TOKEN", intakeToken)
	code, out, errOut := e.idbooth(t, "sync", "--once")
	report = jsonLines(t, out)[0]
	queue = report["queue"].(map[string]any)
	if n, _ := held.Count(t.Context()); code != exitOK || n != 3 || report["sent"] != 3.0 || queue["pending"] != 0.0 {
		t.Fatalf("sync --once after the outage: exit %d %s %s (intake holds %d)", code, out, errOut, n)
	}
}
