package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
)

func init() {
	commands["queue"] = command{summary: "show the application queue (no personal data), a page at a time", run: runQueue}
}

// queueSummary is the first line of `idbooth queue`.
type queueSummary struct {
	Kind string `json:"kind"` // "summary"
	storage.Stats
	// NextPage, when more entries match, is the --after of the next page.
	NextPage string `json:"next_page,omitempty"`
}

// queueEntry is one line per application after the summary.
type queueEntry struct {
	Kind string `json:"kind"` // "entry"
	storage.Entry
}

func runQueue(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "queue",
		"[--state pending,sending,sent,failed] [--receipt R] [--last4 DDDD] [--since TIME] [--limit N] [--after CURSOR] [--requeue-failed]")
	states := fs.String("state", "", "only entries in these sync states (comma-separated)")
	limit := fs.Int("limit", 50, "at most N entries, newest first; 0: all (a booth's queue holds years of applications)")
	receipt := fs.String("receipt", "", "only the application with this receipt number")
	last4 := fs.String("last4", "", "only applications whose form ID ends in these 4 digits")
	since := fs.String("since", "", "only applications created since TIME: 2026-04-01 (from midnight in Japan), RFC 3339 (2026-04-01T09:00:00+09:00) or a duration ago (72h)")
	after := fs.String("after", "", "the next page: the next_page of the previous page's summary line (same filters)")
	requeue := fs.Bool("requeue-failed", false, "operator: make entries the intake refused due again (after fixing the cause)")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() > 0 || *limit < 0 {
		fs.Usage()
		return exitUsage
	}
	filter := storage.Filter{Limit: *limit, Receipt: strings.ToUpper(*receipt), FormIDLast4: *last4, After: *after}
	for _, s := range strings.Split(*states, ",") {
		switch st := storage.SyncState(strings.TrimSpace(s)); st {
		case "":
		case storage.StatePending, storage.StateSending, storage.StateSent, storage.StateFailed:
			filter.States = append(filter.States, st)
		default:
			fmt.Fprintf(env.stderr, "idbooth queue: --state %q: want pending, sending, sent or failed\n", s)
			return exitUsage
		}
	}
	if *last4 != "" && !isDigits(*last4, 4) {
		fmt.Fprintf(env.stderr, "idbooth queue: --last4 %q: want 4 digits\n", *last4)
		return exitUsage
	}
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			fmt.Fprintln(env.stderr, "idbooth queue: --since:", err)
			return exitUsage
		}
		filter.Since = t
	}
	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, MustExist: true})
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth queue:", err)
		return exitUsage
	}
	defer store.Close()
	if *requeue {
		n, err := store.Requeue(ctx)
		if err != nil {
			fmt.Fprintln(env.stderr, "idbooth queue:", err)
			return exitUsage
		}
		fmt.Fprintf(env.stderr, "idbooth queue: %d failed entries are due again\n", n)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth queue:", err)
		return exitUsage
	}
	// One more than the page shows whether there is a next page.
	if filter.Limit > 0 {
		filter.Limit++
	}
	entries, err := store.List(ctx, filter)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth queue:", err)
		return exitUsage
	}
	summary := queueSummary{Kind: "summary", Stats: st}
	if *limit > 0 && len(entries) > *limit {
		entries = entries[:*limit]
		summary.NextPage = entries[len(entries)-1].Cursor()
	}
	if err := printJSON(env.stdout, summary); err != nil {
		return exitUsage
	}
	for _, e := range entries {
		if err := printJSON(env.stdout, queueEntry{Kind: "entry", Entry: e}); err != nil {
			return exitUsage
		}
	}
	return exitOK
}

// parseSince reads --since: a date (from midnight in Japan, the booth's calendar), an RFC 3339
// time, or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, booth.JST); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want a date (2026-04-01), an RFC 3339 time or a duration (72h)", s)
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// compactAfterFlag defines --compact-after (config file: compact-after, env
// IDBOOTH_COMPACT_AFTER) for the commands whose sync worker purges the queue, and returns the
// storage.Config.CompactAfter it asks for.
func compactAfterFlag(fs *flag.FlagSet) func() time.Duration {
	d := fs.Duration("compact-after", storage.DefaultCompactAfter,
		"sent applications whose personal data is gone keep their row this long, then only the daily counts keep them; 0: never")
	return func() time.Duration {
		if *d <= 0 {
			return -1 // storage: never
		}
		return *d
	}
}
