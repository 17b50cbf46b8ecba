package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// hotQuery is a query the booth runs all day, with arguments of the right kinds.
type hotQuery struct {
	name string
	sql  string
	args []any
	// want is the index that must find the rows (a search of another index may still read
	// every sent entry, say).
	want string
}

func hotQueries(t *testing.T) []hotQuery {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	ms := now.UnixMilli()
	uuid := booth.NewUUID()
	after := Entry{CreatedAt: now, UUID: uuid}.Cursor()
	qs := []hotQuery{
		{"Stats", statsQuery, []any{sql.Named("now", ms), sql.Named("cap", dueCountCap)}, "COVERING INDEX outbox_due (next_attempt_at<?)"},
		{"ClaimDue", claimDueQuery, []any{ms, 32}, "outbox_due (next_attempt_at<?)"},
		{"NextAttempt", nextAttemptQuery, nil, "outbox_due"},
		{"DueNow", dueNowQuery, []any{ms}, "outbox_due (next_attempt_at>?)"},
		{"Requeue", requeueQuery, []any{ms}, "outbox_state (state=?)"},
		{"Requeue some", requeueQuery + ` AND uuid IN (?, ?)`, []any{ms, uuid, uuid}, "(state=?)"},
		{"ResetSending", resetSendingQuery, []any{ms}, "outbox_state (state=?)"},
		{"Purge applications", purgeApplications, []any{sql.Named("now", ms), sql.Named("cutoff", ms)}, "outbox_purge (sent_at<?)"},
		{"Purge sealed", purgeSealed, []any{sql.Named("cutoff", ms)}, "outbox_purge (sent_at<?)"},
		{"Purge outbox", purgeOutbox, []any{sql.Named("cutoff", ms)}, "outbox_purge (sent_at<?)"},
		{"Compact", compactDue, []any{ms, compactBatch}, "outbox_state (state=? AND created_at<?)"},
		{"Entry", `SELECT ` + entryColumns + ` WHERE a.uuid = ?`, []any{uuid}, "(uuid=?)"},
	}
	failed, pending, sending := []SyncState{StateFailed}, []SyncState{StatePending}, []SyncState{StatePending, StateSending}
	const (
		byCreation = "applications_created"
		byState    = "outbox_state (state=?"
		byReceipt  = "sqlite_autoindex_applications_2 (receipt=?)"
		byLast4    = "applications_last4 (form_id_last4=?"
	)
	filters := []struct {
		name string
		f    Filter
		want string
	}{
		{"newest 50", Filter{Limit: 50}, byCreation},
		{"failed", Filter{States: failed, Limit: 50}, byState},
		{"pending or sending", Filter{States: sending, Limit: 50}, byState},
		{"receipt", Filter{Receipt: "7KQ4-M2XH"}, byReceipt},
		{"receipt and state", Filter{Receipt: "7KQ4-M2XH", States: sending, Limit: 12}, byReceipt},
		{"last 4", Filter{FormIDLast4: "1234", Limit: 50}, byLast4},
		{"last 4 and state", Filter{FormIDLast4: "1234", States: pending, Limit: 50}, byLast4},
		{"last 4 and receipt", Filter{FormIDLast4: "1234", Receipt: "7KQ4-M2XH"}, byReceipt},
		{"since", Filter{Since: now, Limit: 50}, byCreation + " (created_at>?)"},
		{"since, state", Filter{Since: now, States: failed, Limit: 50}, byState + " AND created_at>?)"},
		{"next page", Filter{After: after, Limit: 50}, byCreation + " ((created_at,uuid)<(?,?))"},
		{"next page, state, since", Filter{After: after, States: sending, Since: now, Limit: 50},
			byState + " AND created_at>? AND (created_at,uuid)<(?,?))"},
		{"next page, last 4", Filter{After: after, FormIDLast4: "1234", Limit: 50}, byLast4 + " AND (created_at,uuid)<(?,?))"},
		{"since, no limit", Filter{Since: now}, byCreation + " (created_at>?)"},
		{"state, no limit", Filter{States: failed}, byState},
	}
	for _, c := range filters {
		lqs, err := listQueries(c.f)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range lqs {
			qs = append(qs, hotQuery{"List " + c.name, q.sql, q.args, c.want})
		}
	}
	return qs
}

// fullScan finds a plan step that reads a whole table of the queue, or sorts what it found
// (which means reading every match before the first row comes out). A SCAN of an index is
// allowed when the query stops at a LIMIT: it walks the index in the order asked for.
var (
	tableScan = regexp.MustCompile(`^SCAN (applications|outbox|sealed|a|o|s)( |$)`)
	sorting   = regexp.MustCompile(`USE TEMP B-TREE`)
)

func planProblems(db *sql.DB, q hotQuery) ([]string, []string, error) {
	rows, err := db.Query("EXPLAIN QUERY PLAN "+q.sql, q.args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var plan, problems []string
	limited := regexp.MustCompile(`(?i)\bLIMIT\b`).MatchString(q.sql)
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, nil, err
		}
		plan = append(plan, detail)
		switch {
		case tableScan.MatchString(detail) && !strings.Contains(detail, " USING "):
			problems = append(problems, "full scan: "+detail)
		case tableScan.MatchString(detail) && !limited:
			problems = append(problems, "whole index without a LIMIT: "+detail)
		case sorting.MatchString(detail):
			problems = append(problems, "sorts every match: "+detail)
		}
	}
	if !strings.Contains(strings.Join(plan, "\n"), q.want) {
		problems = append(problems, "does not use "+q.want)
	}
	return plan, problems, rows.Err()
}

// TestHotQueriesUseIndexes: every query the operator screen, `idbooth queue`, the sync worker
// and the purge run finds its rows through an index, so its cost does not grow with the queue
// (BenchmarkGrowth measures it; this checks it in a second). Without statistics (the queue never
// runs ANALYZE) SQLite's plans do not depend on the data, so an empty queue is enough.
func TestHotQueriesUseIndexes(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), Config{Path: filepath.Join(dir, "q.db"), KeyFile: filepath.Join(dir, "k")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The check itself must catch what issue 16 measured (the old Stats, List and purge) and a
	// search that reads more than it needs.
	for _, bad := range []hotQuery{
		{"old Stats", `SELECT COUNT(*) FILTER (WHERE o.state = 'sent'), MAX(o.sent_at) FROM outbox o JOIN applications a USING (uuid)`, nil, ""},
		{"old List", `SELECT ` + entryColumns + ` WHERE +o.state IN ('failed') ORDER BY a.created_at DESC, a.uuid LIMIT 50`, nil, ""},
		{"old purge", `DELETE FROM sealed WHERE uuid IN (SELECT uuid FROM applications WHERE purged_at IS NOT NULL)`, nil, ""},
		{"purge through every sent entry", `SELECT uuid FROM outbox WHERE state = 'sent' AND purged = 0 AND sent_at <= ?`,
			[]any{0}, "outbox_purge"},
	} {
		if plan, problems, err := planProblems(s.db, bad); err != nil || len(problems) == 0 {
			t.Errorf("%s: the check finds nothing wrong in %q (%v)", bad.name, plan, err)
		}
	}
	for _, q := range hotQueries(t) {
		plan, problems, err := planProblems(s.db, q)
		if err != nil {
			t.Errorf("%s: %v", q.name, err)
			continue
		}
		if len(problems) > 0 {
			t.Errorf("%s: %s\nplan:\n  %s\nquery: %s", q.name, strings.Join(problems, "; "), strings.Join(plan, "\n  "), q.sql)
		}
	}
}
