package storage_test

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/storage"
)

// auditQueue makes a queue file with n audit entries and returns its directory (queue.db and
// queue.key, closed).
func auditQueue(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	s, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(dir, "queue.db"),
		KeyFile: filepath.Join(dir, "queue.key"), Now: func() time.Time { now = now.Add(time.Second); return now }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		ev := audit.Event{Kind: audit.SignIn, Clerk: "S" + string(rune('0'+i%10))}
		if i%3 == 1 {
			ev = audit.Event{Kind: audit.Reprint, Clerk: "S1", Subject: "3f8e2a4c-1b7d-4e59-9a6b-2c0d8e7f1a35"}
		}
		if err := s.Audit(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyQueue(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	for _, name := range []string{"queue.db", "queue.key"} {
		src, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.OpenFile(filepath.Join(out, name), os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if err := dst.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// tamper changes the database file with plain SQL, as someone with the file and sqlite3 would.
func tamper(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(dir, "queue.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func verify(t *testing.T, dir string) audit.Result {
	t.Helper()
	s, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(dir, "queue.db"),
		KeyFile: filepath.Join(dir, "queue.key"), MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const dropTriggers = `DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete`

// swap exchanges everything but the sequence numbers of entries a and b.
func swap(a, b int) []string {
	cols := "at, kind, clerk, subject, detail, prev, hash"
	set := func(dst, src string) string {
		var parts []string
		for _, c := range strings.Split(cols, ", ") {
			parts = append(parts, c+" = (SELECT "+c+" FROM tmp WHERE seq = "+src+")")
		}
		return "UPDATE audit SET " + strings.Join(parts, ", ") + " WHERE seq = " + dst
	}
	sa, sb := string(rune('0'+a)), string(rune('0'+b))
	return []string{dropTriggers, "CREATE TEMP TABLE tmp AS SELECT * FROM audit", set(sa, sb), set(sb, sa)}
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	base := auditQueue(t, 7)
	for _, tc := range []struct {
		name  string
		stmts []string
		want  []audit.Problem
	}{
		{"untouched", nil, nil},
		{"edited", []string{dropTriggers, `UPDATE audit SET clerk = 'S9' WHERE seq = 3`,
			triggersBack}, []audit.Problem{{Seq: 3, Code: audit.Edited}}},
		{"edited time", []string{dropTriggers, `UPDATE audit SET at = at - 3600000 WHERE seq = 5`, triggersBack},
			[]audit.Problem{{Seq: 5, Code: audit.Edited}}},
		{"deleted", []string{dropTriggers, `DELETE FROM audit WHERE seq = 4`, triggersBack},
			[]audit.Problem{{Seq: 4, Code: audit.Missing, To: 4}}},
		{"deleted at the end", []string{dropTriggers, `DELETE FROM audit WHERE seq >= 6`, triggersBack},
			[]audit.Problem{{Seq: 6, Code: audit.Missing, To: 7}}},
		{"reordered", append(swap(2, 3), triggersBack), []audit.Problem{
			{Seq: 2, Code: audit.Moved, From: 3}, {Seq: 2, Code: audit.ChainBroken},
			{Seq: 3, Code: audit.Moved, From: 2}, {Seq: 3, Code: audit.ChainBroken}, {Seq: 4, Code: audit.ChainBroken}}},
		{"renumbered after a delete", []string{dropTriggers, `DELETE FROM audit WHERE seq = 2`,
			`UPDATE audit SET seq = seq - 1 WHERE seq > 2`, `UPDATE sqlite_sequence SET seq = 6 WHERE name = 'audit'`, triggersBack},
			[]audit.Problem{{Seq: 2, Code: audit.Moved, From: 3}, {Seq: 2, Code: audit.ChainBroken},
				{Seq: 3, Code: audit.Moved, From: 4}, {Seq: 4, Code: audit.Moved, From: 5},
				{Seq: 5, Code: audit.Moved, From: 6}, {Seq: 6, Code: audit.Moved, From: 7}}},
		{"protection dropped", []string{dropTriggers}, []audit.Problem{{Code: audit.Unprotected}}},
		{"protection replaced", []string{`DROP TRIGGER audit_append_only_delete`,
			`CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT 1; END`}, []audit.Problem{{Code: audit.Unprotected}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyQueue(t, base)
			tamper(t, dir, tc.stmts...)
			res := verify(t, dir)
			if res.OK != (tc.want == nil) || !reflect.DeepEqual(res.Problems, tc.want) {
				t.Fatalf("verify: ok=%v problems %+v, want %+v", res.OK, res.Problems, tc.want)
			}
		})
	}
}

const triggersBack = `CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only'); END`

// The triggers refuse a plain UPDATE or DELETE; appends after a deletion at the end leave the gap.
func TestAuditAppendOnly(t *testing.T) {
	dir := auditQueue(t, 3)
	db, err := sql.Open("sqlite3", filepath.Join(dir, "queue.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET detail = 'x' WHERE seq = 1`, `DELETE FROM audit WHERE seq = 3`} {
		if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	db.Close()
	tamper(t, dir, dropTriggers, `DELETE FROM audit WHERE seq = 3`, triggersBack)
	s, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Audit(context.Background(), audit.Event{Kind: audit.SignOut, Clerk: "S1", Detail: audit.SignOutIdle}); err != nil {
		t.Fatal(err)
	}
	res, err := s.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []audit.Problem{{Seq: 3, Code: audit.Missing, To: 3}}; !reflect.DeepEqual(res.Problems, want) || res.HeadSeq != 4 {
		t.Fatalf("after an append: %+v, want %+v at head 4", res, want)
	}
	if err := s.Audit(context.Background(), audit.Event{Kind: "made_up"}); err == nil {
		t.Error("unknown kind recorded")
	}
	if err := s.Audit(context.Background(), audit.Event{Kind: audit.Export, Detail: strings.Repeat("x", 65)}); err == nil {
		t.Error("a long detail recorded")
	}
}
