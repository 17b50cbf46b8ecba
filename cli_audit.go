package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
)

func init() {
	commands["audit"] = command{summary: "check the counter's audit log for deleted, edited or reordered entries (verify), or show a day's entries", run: runAudit}
}

const auditUsage = `verify | show --day YYYY-MM-DD

  verify  check every entry's hash and its link to the entry before: prints one JSON line
          {"ok","entries","head_seq","head","problems":[{"seq","code"}]} and exits 1 when an
          entry was edited ("edited"), moved ("moved", with "from"), deleted ("missing", from seq
          to "to"), unlinked ("chain_broken") or the database's append-only guard was removed
          ("unprotected"). Someone who can write the file can also recompute the chain: compare
          "head" with the one printed on an earlier day report (idbooth report).
  show    the entries of one day (in Japan), one JSON line each, oldest first.`

// auditLine is one line of `idbooth audit show`.
type auditLine struct {
	Seq     int64     `json:"seq"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Clerk   string    `json:"clerk,omitempty"`
	Subject string    `json:"subject,omitempty"`
	Detail  string    `json:"detail,omitempty"`
	Hash    string    `json:"hash"`
}

func runAudit(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "audit", auditUsage)
	dayFlag := fs.String("day", "", "show: the day (YYYY-MM-DD, in Japan)")
	words, ok := parseInterleaved(env, fs, args)
	if !ok {
		return exitUsage
	}
	sub := strings.Join(words, " ")
	var day booth.Date
	switch {
	case sub == "verify" && *dayFlag == "":
	case sub == "show":
		var err error
		if day, err = booth.ParseDate(*dayFlag); err != nil {
			fmt.Fprintln(env.stderr, "idbooth audit: --day: want YYYY-MM-DD")
			return exitUsage
		}
	default:
		fs.Usage()
		return exitUsage
	}
	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, MustExist: true})
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth audit:", err)
		return exitUsage
	}
	defer store.Close()
	if sub == "show" {
		from, to := dayBounds(day)
		entries, err := store.AuditEntries(ctx, from, to)
		if err != nil {
			fmt.Fprintln(env.stderr, "idbooth audit:", err)
			return exitUsage
		}
		for _, e := range entries {
			if err := printJSON(env.stdout, auditLine{Seq: e.Seq, At: e.At, Kind: string(e.Kind), Clerk: e.Clerk,
				Subject: e.Subject, Detail: e.Detail, Hash: e.Hash.String()}); err != nil {
				return exitUsage
			}
		}
		return exitOK
	}
	res, err := store.VerifyAudit(ctx)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth audit:", err)
		return exitUsage
	}
	if err := printJSON(env.stdout, res); err != nil {
		return exitUsage
	}
	if !res.OK {
		fmt.Fprintf(env.stderr, "idbooth audit: %d problems in the audit log, the first at entry %d (%s)\n",
			len(res.Problems)+res.More, res.Problems[0].Seq, res.Problems[0].Code)
		return exitFailed
	}
	return exitOK
}

// dayBounds is [midnight, next midnight) of day in Japan.
func dayBounds(day booth.Date) (time.Time, time.Time) {
	from := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, booth.JST)
	return from, from.AddDate(0, 0, 1)
}
