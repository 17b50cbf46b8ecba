package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// Filter selects entries for List.
type Filter struct {
	// States keeps only entries in these sync states (all when empty).
	States []SyncState
	// Receipt or FormIDLast4, when set, find the entries of one resident for a reprint.
	Receipt     string
	FormIDLast4 string
	// Since keeps only entries created at or after it (all when zero).
	Since time.Time
	// After continues a listing past the entry whose Cursor it is: the next page holds the
	// entries older than that one ("" starts with the newest).
	After string
	// Limit caps the number of entries (0: no cap); the newest come first.
	Limit int
}

// Cursor marks the entry's place in List's order, for Filter.After.
func (e Entry) Cursor() string { return strconv.FormatInt(e.CreatedAt.UnixMilli(), 10) + "." + e.UUID }

// cursor is a parsed Filter.After: List's order is created_at, then uuid, both descending.
type cursor struct {
	created int64
	uuid    string
}

func parseCursor(s string) (cursor, error) {
	ms, uuid, ok := strings.Cut(s, ".")
	created, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || !booth.ValidUUID(uuid) {
		return cursor{}, fmt.Errorf("storage: list: %w: cursor %q is not one List gave", ErrInvalid, s)
	}
	return cursor{created, uuid}, nil
}

// listQuery is one SELECT of entries and its arguments.
type listQuery struct {
	sql  string
	args []any
}

// listQueries builds List's queries so that each one walks a single index in List's order and
// stops at the limit, whatever the queue's size (plan_internal_test checks them):
//   - by receipt: the unique receipt index, at most one row;
//   - by last 4 digits: applications_last4, in creation order;
//   - by state: outbox_state, one query per state, merged by List;
//   - else: applications_created.
//
// A unary + keeps SQLite from using an index for a condition that only filters.
func listQueries(f Filter) ([]listQuery, error) {
	var after *cursor
	if f.After != "" {
		c, err := parseCursor(f.After)
		if err != nil {
			return nil, err
		}
		after = &c
	}
	t := "a" // the table whose (created_at, uuid) orders the rows
	var where []string
	var args []any
	stateSets := [][]SyncState{f.States}
	switch {
	case f.Receipt != "":
		where, args = append(where, `a.receipt = ?`), append(args, f.Receipt)
		if f.FormIDLast4 != "" {
			where, args = append(where, `+a.form_id_last4 = ?`), append(args, f.FormIDLast4)
		}
	case f.FormIDLast4 != "":
		where, args = append(where, `a.form_id_last4 = ?`), append(args, f.FormIDLast4)
	case len(f.States) > 0:
		t, stateSets = "o", nil
		states := slices.Clone(f.States)
		slices.Sort(states)
		for _, st := range slices.Compact(states) {
			stateSets = append(stateSets, []SyncState{st})
		}
	}
	if !f.Since.IsZero() {
		where, args = append(where, t+`.created_at >= ?`), append(args, f.Since.UnixMilli())
	}
	if after != nil {
		where, args = append(where, `(`+t+`.created_at, `+t+`.uuid) < (?, ?)`), append(args, after.created, after.uuid)
	}
	var qs []listQuery
	for _, states := range stateSets {
		w, a := slices.Clone(where), slices.Clone(args)
		if len(states) > 0 {
			op := "+o.state"
			if t == "o" {
				op = "o.state"
			}
			w = append(w, op+` IN (?`+strings.Repeat(`, ?`, len(states)-1)+`)`)
			for _, st := range states {
				a = append(a, string(st))
			}
		}
		q := `SELECT ` + entryColumns
		if len(w) > 0 {
			q += ` WHERE ` + strings.Join(w, ` AND `)
		}
		if f.Receipt == "" { // a receipt is unique: nothing to order
			q += ` ORDER BY ` + t + `.created_at DESC, ` + t + `.uuid DESC`
		}
		if f.Limit > 0 {
			q += fmt.Sprintf(` LIMIT %d`, f.Limit)
		}
		qs = append(qs, listQuery{q, a})
	}
	return qs, nil
}

// List returns entries, newest first (ties: the greater UUID first). With a Limit its cost
// does not grow with the queue; page on with Filter.After.
func (s *Store) List(ctx context.Context, f Filter) ([]Entry, error) {
	qs, err := listQueries(f)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, q := range qs {
		if out, err = s.listInto(ctx, out, q); err != nil {
			return nil, err
		}
	}
	if len(qs) > 1 {
		slices.SortFunc(out, func(x, y Entry) int {
			return cmp.Or(y.CreatedAt.Compare(x.CreatedAt), strings.Compare(y.UUID, x.UUID))
		})
		if f.Limit > 0 && len(out) > f.Limit {
			out = out[:f.Limit]
		}
	}
	return out, nil
}

func (s *Store) listInto(ctx context.Context, out []Entry, q listQuery) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, q.sql, q.args...)
	if err != nil {
		return nil, mapErr("list", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, mapErr("list", err)
		}
		out = append(out, *e)
	}
	return out, mapErr("list", rows.Err())
}
