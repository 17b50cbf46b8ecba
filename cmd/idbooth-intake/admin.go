package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/config"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/export"
	"github.com/idbooth/idbooth/upload/intake/photostore"
)

// adminCmd parses a command's flags (then the environment and --config file, as serve does) and
// opens the backend; run gets it with the remaining arguments. Only "booth add" may create an
// SQLite intake: the others must not create an empty one where the operator mistyped.
func adminCmd(ctx context.Context, name string, args []string, stdout, stderr io.Writer,
	define func(*flag.FlagSet), run func(b intake.Backend, args []string) int) int {
	fset := flag.NewFlagSet("idbooth-intake "+name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	bf := addBackendFlags(fset)
	cfgFile := fset.String("config", "", "config file of \"name = value\" lines, one per flag (env IDBOOTH_INTAKE_CONFIG)")
	if define != nil {
		define(fset)
	}
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if *cfgFile == "" {
		*cfgFile = os.Getenv("IDBOOTH_INTAKE_CONFIG")
	}
	file, err := config.ReadFile(*cfgFile)
	if err == nil {
		err = config.ApplyPrefixed(fset, file, envPrefix)
	}
	if err != nil {
		fmt.Fprintf(stderr, "idbooth-intake %s: %v\n", name, err)
		return 2
	}
	b, err := bf.open(ctx, name != "booth add")
	if err != nil {
		fmt.Fprintf(stderr, "idbooth-intake %s: %v\n", name, err)
		return 2
	}
	defer b.Close()
	return run(b, fset.Args())
}

// boothCmd: booth add ID | booth revoke ID | booth list.
func boothCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	verb := args[0]
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "idbooth-intake booth %s: "+format+"\n", append([]any{verb}, a...)...)
		return 2
	}
	return adminCmd(ctx, "booth "+verb, args[1:], stdout, stderr, nil, func(b intake.Backend, rest []string) int {
		now := time.Now()
		switch verb {
		case "add", "revoke":
			if len(rest) != 1 {
				return fail("one booth ID, please")
			}
			id := rest[0]
			if id == "" || len(id) > booth.MaxBoothIDBytes {
				return fail("a booth ID is 1 to %d bytes", booth.MaxBoothIDBytes)
			}
			if verb == "revoke" {
				if err := b.RevokeBooth(ctx, id, now); err != nil {
					return fail("%s: %v", id, err)
				}
				printLine(stdout, map[string]any{"booth": id, "revoked": true})
				return 0
			}
			tok := intake.NewBoothToken()
			if err := b.AddBooth(ctx, id, intake.HashToken(tok), now); err != nil {
				return fail("%s: %v", id, err)
			}
			// The token is shown this once: the intake keeps only its hash.
			printLine(stdout, map[string]any{"booth": id, "token": tok})
			return 0
		case "list":
			booths, err := b.Booths(ctx)
			if err != nil {
				return fail("%v", err)
			}
			for _, bt := range booths {
				line := map[string]any{"booth": bt.ID, "registered": bt.Registered, "revoked": bt.Revoked}
				if !bt.LastSeen.IsZero() {
					line["last_seen"] = bt.LastSeen.UTC()
				}
				printLine(stdout, line)
			}
			return 0
		}
		return fail("unknown; use add, revoke or list")
	})
}

// gcCmd deletes photos no application points to, older than --grace (PostgreSQL backend).
func gcCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var grace *time.Duration
	return adminCmd(ctx, "gc", args, stdout, stderr, func(fs *flag.FlagSet) {
		grace = fs.Duration("grace", 24*time.Hour, "only photos written longer ago than this")
	}, func(b intake.Backend, _ []string) int {
		pb, ok := b.(interface {
			Photos() photostore.Store
			Referenced(context.Context, string) (bool, error)
		})
		if !ok {
			fmt.Fprintln(stderr, "idbooth-intake gc: with SQLite the photos are in the database: nothing to collect")
			return 2
		}
		n, err := photostore.Sweep(ctx, pb.Photos(), *grace, time.Now(), pb.Referenced)
		printLine(stdout, map[string]any{"deleted": n})
		if err != nil {
			fmt.Fprintln(stderr, "idbooth-intake gc:", err)
			return 2
		}
		return 0
	})
}

// exportCmd writes the received applications into --out (export package).
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var out, since *string
	var settle *time.Duration
	return adminCmd(ctx, "export", args, stdout, stderr, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "export directory (JSON lines, photos, the cursor to resume from)")
		since = fs.String("since", "", "first run only: leave out what was received before this (RFC 3339 time or YYYY-MM-DD)")
		settle = fs.Duration("settle", export.Settle, "export only what was received longer ago than this (replicas commit slightly out of order)")
	}, func(b intake.Backend, _ []string) int {
		if *out == "" {
			fmt.Fprintln(stderr, "idbooth-intake export: --out is required")
			return 2
		}
		opts := export.Options{Settle: *settle}
		if *since != "" {
			t, err := parseSince(*since)
			if err != nil {
				fmt.Fprintln(stderr, "idbooth-intake export:", err)
				return 2
			}
			opts.Since = t
		}
		n, err := export.Run(ctx, b, *out, opts)
		printLine(stdout, map[string]any{"exported": n})
		if err != nil {
			fmt.Fprintln(stderr, "idbooth-intake export (run it again to resume):", err)
			return 2
		}
		return 0
	})
}

func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("--since: want an RFC 3339 time or YYYY-MM-DD")
}

func printLine(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "%s\n", b)
}
