package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
)

// sqlite3 runs the sqlite3 shell on db: the plain tool anyone with the file has.
func sqlite3(t *testing.T, db, sql string) {
	t.Helper()
	if out, err := exec.Command("sqlite3", db, sql).CombinedOutput(); err != nil {
		t.Fatalf("sqlite3 %s: %v: %s", sql, err, out)
	}
}

// `idbooth audit verify` (the real binary) on a queue whose file was changed with sqlite3.
func TestAuditVerifyCommand(t *testing.T) {
	base := newQueueTestEnv(t)
	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{Path: base.db, KeyFile: base.key})
	if err != nil {
		t.Fatal(err)
	}
	d := staff.NewDirectory(s, nil)
	if err := d.Add(ctx, "S0042", "窓口 花子", "520731"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"520731", "111000", "520731"} {
		d.SignIn(ctx, "S0042", p)
	}
	d.SignOut(ctx, staff.Clerk{ID: "S0042"}, audit.SignOutIdle)
	s.Close() // 5 entries: staff_added, sign_in, sign_in_refused, sign_in, sign_out

	const unguard = `DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete; `
	const guard = `; CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;
		CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;`
	for _, tc := range []struct {
		name, sql string
		want      []audit.Problem
	}{
		{"untouched", "", nil},
		{"edited", unguard + `UPDATE audit SET detail = 'manual' WHERE seq = 5` + guard,
			[]audit.Problem{{Seq: 5, Code: audit.Edited}}},
		{"deleted", unguard + `DELETE FROM audit WHERE seq = 3` + guard,
			[]audit.Problem{{Seq: 3, Code: audit.Missing, To: 3}}},
		{"reordered", unguard + `UPDATE audit SET seq = -seq WHERE seq IN (2, 3); UPDATE audit SET seq = 3 WHERE seq = -2;
			UPDATE audit SET seq = 2 WHERE seq = -3` + guard, []audit.Problem{
			{Seq: 2, Code: audit.Moved, From: 3}, {Seq: 2, Code: audit.ChainBroken},
			{Seq: 3, Code: audit.Moved, From: 2}, {Seq: 3, Code: audit.ChainBroken}, {Seq: 4, Code: audit.ChainBroken}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newQueueTestEnv(t)
			for _, f := range []string{"queue.db", "queue.key"} {
				data, err := os.ReadFile(filepath.Join(base.dir, f))
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(e.dir, f), data, 0o600)
			}
			if tc.sql != "" {
				sqlite3(t, e.db, tc.sql)
			}
			code, out, errOut := idboothBinary(t, "", "audit", "verify", "--db", e.db, "--key", e.key)
			var res audit.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("exit %d, output %q %s", code, out, errOut)
			}
			wantCode := exitOK
			if tc.want != nil {
				wantCode = exitFailed
			}
			if code != wantCode || !reflect.DeepEqual(res.Problems, tc.want) || res.OK != (tc.want == nil) {
				t.Fatalf("exit %d, %+v; want exit %d and %+v", code, res, wantCode, tc.want)
			}
			if tc.want == nil && (res.Entries != 5 || res.HeadSeq != 5 || len(res.Head) != 64) {
				t.Fatalf("head: %+v", res)
			}
		})
	}
	// The log names the clerk by staff ID only: neither the name nor a PIN is in it.
	_, out, _ := idboothBinary(t, "", "audit", "show", "--day", "2000-01-01", "--db", base.db, "--key", base.key)
	if out != "" {
		t.Errorf("entries on another day: %q", out)
	}
	_, out, _ = idboothBinary(t, "", "audit", "show", "--day", booth.Today(time.Now()).String(), "--db", base.db, "--key", base.key)
	var kinds []string
	for _, l := range jsonLines(t, out) {
		kinds = append(kinds, l["kind"].(string))
	}
	if want := []string{"staff_added", "sign_in", "sign_in_refused", "sign_in", "sign_out"}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("audit show: %v, want %v", kinds, want)
	}
	dump, err := exec.Command("sqlite3", base.db, "SELECT * FROM audit").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"花子", "520731", "111000"} {
		if strings.Contains(string(dump), secret) {
			t.Errorf("%q in the audit log", secret)
		}
	}
	if code, _, _ := idboothBinary(t, "", "audit", "verify", "--db", filepath.Join(t.TempDir(), "none.db")); code != exitUsage {
		t.Errorf("no queue: exit %d", code)
	}
}

// A slip taken out with idbooth slip (a PDF file: an export; a print: a reprint) is on the trail.
func TestSlipCommandAudited(t *testing.T) {
	e := newQueueTestEnv(t)
	uuids := e.queueWith(t, 1)
	pdf := filepath.Join(t.TempDir(), "slip.pdf")
	if code, _, errOut := e.idbooth(t, "slip", "--application", uuids[0], "--out", pdf); code != exitOK {
		t.Fatalf("slip: %d %s", code, errOut)
	}
	_, out, _ := e.idbooth(t, "audit", "show", "--day", booth.Today(time.Now()).String())
	lines := jsonLines(t, out)
	if len(lines) != 1 || lines[0]["kind"] != "export" || lines[0]["subject"] != uuids[0] || lines[0]["detail"] != "slip" {
		t.Fatalf("audit: %v", lines)
	}
}
