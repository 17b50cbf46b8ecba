package main

import (
	"strings"
	"testing"
)

// TestSyncReportsTheBoothsStatus: `idbooth sync --once` also reports the booth's status to the
// intake, which lists the booth with its queue and version; the report holds no personal data.
func TestSyncReportsTheBoothsStatus(t *testing.T) {
	e := newQueueTestEnv(t)
	e.queueWith(t, 2)
	srv, held := startTestIntake(t)
	if code, out, errOut := e.idbooth(t, "sync", "--once", "--intake", srv.URL, "--token", intakeToken, "--booth", "shibuya-07"); code != exitOK {
		t.Fatalf("sync: exit %d %s %s", code, out, errOut)
	}
	booths, err := held.Booths(t.Context())
	if err != nil || len(booths) != 1 {
		t.Fatalf("booths: %+v %v", booths, err)
	}
	b := booths[0]
	if b.ID != "shibuya-07" || b.Status == nil || b.Status.Queue.Sent != 2 || b.Status.Queue.Pending != 0 ||
		b.Status.AppVersion == "" || b.LastSeen.IsZero() {
		t.Fatalf("booth as the intake sees it: %+v %+v", b, b.Status)
	}
}

func TestStatusVersionFitsTheReport(t *testing.T) {
	if got := statusVersion("1.2.3 (dirty) é"); got != "1.2.3__dirty___" {
		t.Fatalf("%q", got)
	}
	if got := statusVersion(strings.Repeat("9", 100)); len(got) != 64 {
		t.Fatalf("%d characters", len(got))
	}
}
