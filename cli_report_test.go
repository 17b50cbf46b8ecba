package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// `idbooth report` (the real binary) on a queue with a day of counter and booth applications:
// the JSON totals, and a PDF that holds them and nothing personal.
func TestReportCommand(t *testing.T) {
	e := newQueueTestEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC) // 10:00 in Japan
	s, err := storage.Open(ctx, storage.Config{Path: e.db, KeyFile: e.key, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	photo := storagetest.Photo(600, 771, 40, 1)
	for _, id := range []string{"S0042", "S0007"} {
		if err := staff.NewDirectory(s, nil).Add(ctx, id, "窓口 "+id, "538204"); err != nil {
			t.Fatal(err)
		}
	}
	verified := identity.Record{OK: true, Attendance: identity.InPerson, Applicant: []string{"drivers_licence"}, Combination: "one_a"}
	var forms []string
	add := func(i int, clerk string, mailed bool, override string) {
		a := storagetest.Application(i, photo)
		forms = append(forms, string(a.FormID), a.BirthDate.String())
		if override != "" {
			a.PhotoCheck = booth.PhotoCheck{Problems: []string{"blurry"}, OverrideReason: override}
		}
		if clerk == "" {
			if err := s.Enqueue(ctx, a); err != nil {
				t.Fatal(err)
			}
			return
		}
		a.Channel, a.CardMailed = booth.ChannelCounter, mailed
		v := verified
		if !mailed {
			v = identity.Record{Attendance: identity.InPerson, Applicant: []string{"health_insurance"}}
		}
		if err := s.EnqueueCounter(ctx, a, storage.Counter{Clerk: clerk, Verification: v}); err != nil {
			t.Fatal(err)
		}
	}
	add(1, "S0042", true, "")
	add(2, "S0042", true, "infant")
	add(3, "S0007", false, "")
	add(4, "", false, "")
	add(5, "", false, "")
	s.Audit(ctx, audit.Event{Kind: audit.SignIn, Clerk: "S0042"})
	s.Audit(ctx, audit.Event{Kind: audit.SignIn, Clerk: "S0007"})
	s.Audit(ctx, audit.Event{Kind: audit.Reprint, Clerk: "S0007", Subject: "x"})
	now = now.Add(-24 * time.Hour) // one the day before
	add(6, "S0042", true, "")
	s.Close()

	pdf := filepath.Join(t.TempDir(), "report.pdf")
	code, out, errOut := idboothBinary(t, "", "report", "--day", "2026-11-30", "--pdf", pdf, "--db", e.db, "--key", e.key)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r reportOut
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	want := reportOut{Day: booth.Date{Year: 2026, Month: 11, Day: 30},
		Total: storage.Tally{Applications: 5, Overrides: 1, IdentityVerified: 2},
		Channels: map[booth.Channel]storage.Tally{booth.ChannelBooth: {Applications: 2},
			booth.ChannelCounter: {Applications: 3, Overrides: 1, IdentityVerified: 2}},
		Clerks: []storage.ClerkTally{
			{Clerk: "S0007", Tally: storage.Tally{Applications: 1}, SignIns: 1, Reprints: 1},
			{Clerk: "S0042", Tally: storage.Tally{Applications: 2, Overrides: 1, IdentityVerified: 2}, SignIns: 1}},
		PDF: pdf}
	want.Audit = r.Audit
	got, _ := json.Marshal(r)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("report\n got %s\nwant %s", got, wantJSON)
	}
	// The head printed is the log's head, its own export entry included.
	_, vout, _ := idboothBinary(t, "", "audit", "verify", "--db", e.db, "--key", e.key)
	var v audit.Result
	json.Unmarshal([]byte(vout), &v)
	if !v.OK || v.HeadSeq != r.Audit.HeadSeq || v.Head != r.Audit.Head || r.Audit.HeadSeq != 11 {
		t.Errorf("report's head %+v, verify's %+v", r.Audit, v)
	}

	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"窓口申請 日計表 2026-11-30", "S0042", "S0007", "窓口", "証明写真機", "合計",
		r.Audit.Head[:16], r.Audit.Head[48:]} {
		if !strings.Contains(string(text), s) {
			t.Errorf("PDF lacks %q:\n%s", s, text)
		}
	}
	for _, f := range append(forms, "窓口 S00") { // no applicant's data, no clerk's name
		if strings.Contains(string(text), f) {
			t.Errorf("PDF holds personal data %q", f)
		}
	}
	fonts, err := exec.Command("pdffonts", pdf).Output()
	lines := strings.Split(strings.TrimSpace(string(fonts)), "\n")
	if err != nil || len(lines) < 3 || !strings.Contains(string(fonts), "IPAex") {
		t.Fatalf("pdffonts: %v\n%s", err, fonts)
	}
	for _, l := range lines[2:] {
		if f := strings.Fields(l); len(f) < 6 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
	if os.Getenv("IDBOOTH_KEEP_REPORT") != "" {
		data, _ := os.ReadFile(pdf)
		os.WriteFile(os.Getenv("IDBOOTH_KEEP_REPORT"), data, 0o644)
	}

	// In English, and a day without applications.
	code, _, errOut = idboothBinary(t, "", "report", "--day", "2026-12-01", "--lang", "en", "--pdf", pdf, "--db", e.db, "--key", e.key)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	text, _ = exec.Command("pdftotext", pdf, "-").Output()
	if !strings.Contains(string(text), "No applications on this day.") || !strings.Contains(string(text), "Counter applications: day report 2026-12-01") {
		t.Errorf("English PDF:\n%s", text)
	}
	for _, bad := range [][]string{{"report"}, {"report", "--day", "30.11.2026"}, {"report", "--day", "2026-02-30"}} {
		if code, _, _ := idboothBinary(t, "", append(bad, "--db", e.db, "--key", e.key)...); code != exitUsage {
			t.Errorf("%v: exit %d", bad, code)
		}
	}
}

// Processes appending to the audit log at once (here reports, each an export entry) keep one
// sound chain: appends are serialised by the write transaction across processes.
func TestAuditAppendsFromSeveralProcesses(t *testing.T) {
	e := newQueueTestEnv(t)
	s, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	const procs, each = 4, 5
	errs := make(chan error, procs)
	for p := 0; p < procs; p++ {
		go func() {
			for i := 0; i < each; i++ {
				cmd := exec.Command(os.Args[0], "report", "--day", "2026-11-30", "--db", e.db, "--key", e.key)
				cmd.Env = append(os.Environ(), "IDBOOTH_TEST_RUN_MAIN=1", "IDBOOTH_CONFIG=/nonexistent")
				if out, err := cmd.CombinedOutput(); err != nil {
					errs <- fmt.Errorf("%v: %s", err, out)
					return
				}
			}
			errs <- nil
		}()
	}
	for p := 0; p < procs; p++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := idboothBinary(t, "", "audit", "verify", "--db", e.db, "--key", e.key)
	var v audit.Result
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitOK || !v.OK || v.Entries != procs*each {
		t.Fatalf("exit %d: %+v", code, v)
	}
}
