package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/idbooth/idbooth/storage"
)

func init() {
	commands["queue"] = command{summary: "show the application queue (no personal data)", run: runQueue}
}

// queueSummary is the first line of `idbooth queue`.
type queueSummary struct {
	Kind string `json:"kind"` // "summary"
	storage.Stats
}

// queueEntry is one line per application after the summary.
type queueEntry struct {
	Kind string `json:"kind"` // "entry"
	storage.Entry
}

func runQueue(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "queue", "[--state pending,sending,sent,failed] [--limit N] [--receipt R] [--requeue-failed]")
	states := fs.String("state", "", "only entries in these sync states (comma-separated)")
	limit := fs.Int("limit", 0, "at most N entries, newest first (0: all)")
	receipt := fs.String("receipt", "", "only the application with this receipt number")
	requeue := fs.Bool("requeue-failed", false, "operator: make entries the intake refused due again (after fixing the cause)")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() > 0 || *limit < 0 {
		fs.Usage()
		return exitUsage
	}
	filter := storage.Filter{Limit: *limit, Receipt: strings.ToUpper(*receipt)}
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
	entries, err := store.List(ctx, filter)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth queue:", err)
		return exitUsage
	}
	if err := printJSON(env.stdout, queueSummary{Kind: "summary", Stats: st}); err != nil {
		return exitUsage
	}
	for _, e := range entries {
		if err := printJSON(env.stdout, queueEntry{Kind: "entry", Entry: e}); err != nil {
			return exitUsage
		}
	}
	return exitOK
}
