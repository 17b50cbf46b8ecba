package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
)

func init() {
	commands["staff"] = command{summary: "manage counter staff: add, disable, enable, pin, list (PINs read from standard input)", run: runStaff}
}

const staffUsage = `add --id ID --name NAME < file-with-the-PIN | disable ID | enable ID | pin ID < file-with-the-PIN | list

  add      add a member of staff who signs in at the counter with ID and a PIN of 6-12 digits
           (not one digit repeated, not a run); the PIN is read from standard input (typed
           twice, unseen, at a terminal), never from a flag, and stored only as an argon2id hash
  disable  stop ID from signing in (its record and audit trail stay)
  enable   let a disabled ID sign in again; also ends a lockout at once (5 wrong PINs lock an ID
           for 15 minutes)
  pin      give ID a new PIN, read like add's; also ends a lockout
  list     one JSON line per member of staff (no PIN hash)

Every change is recorded in the audit log (idbooth audit verify).`

// staffLine is one line of `idbooth staff list`.
type staffLine struct {
	Kind string `json:"kind"` // "staff"
	staff.Record
}

func runStaff(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "staff", staffUsage)
	id := fs.String("id", "", "add: the staff ID (1-32 letters, digits, '.', '_', '-')")
	name := fs.String("name", "", "add: the name shown at the counter while signed in")
	rest, ok := parseInterleaved(env, fs, args)
	if !ok {
		return exitUsage
	}
	sub := ""
	if len(rest) > 0 {
		sub, rest = rest[0], rest[1:]
	}
	switch {
	case sub == "add" && len(rest) == 0 && *id != "" && *name != "":
	case (sub == "disable" || sub == "enable" || sub == "pin") && len(rest) == 1 && *id == "" && *name == "":
		*id = rest[0]
	case sub == "list" && len(rest) == 0 && *id == "" && *name == "":
	default:
		fs.Usage()
		return exitUsage
	}
	var pinText string
	if sub == "add" || sub == "pin" {
		var err error
		if pinText, err = readPIN(env); err != nil {
			fmt.Fprintln(env.stderr, "idbooth staff:", err)
			return exitUsage
		}
		if err := staff.CheckPIN(pinText); err != nil {
			fmt.Fprintln(env.stderr, "idbooth staff:", err)
			return exitUsage
		}
	}
	// Staff are added before the first application: add may create the queue, the rest not.
	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, MustExist: sub != "add"})
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth staff:", err)
		return exitUsage
	}
	defer store.Close()
	dir := staff.NewDirectory(store, nil)
	switch sub {
	case "add":
		err = dir.Add(ctx, *id, *name, pinText)
	case "disable":
		err = dir.Disable(ctx, *id)
	case "enable":
		err = dir.Enable(ctx, *id)
	case "pin":
		err = dir.SetPIN(ctx, *id, pinText)
	case "list":
		var list []staff.Record
		if list, err = dir.List(ctx); err == nil {
			for _, r := range list {
				if err := printJSON(env.stdout, staffLine{Kind: "staff", Record: r}); err != nil {
					return exitUsage
				}
			}
		}
	}
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth staff:", err)
		if errors.Is(err, staff.ErrNotFound) || errors.Is(err, staff.ErrExists) {
			return exitFailed
		}
		return exitUsage
	}
	if sub != "list" {
		fmt.Fprintf(env.stderr, "idbooth staff: %s %s: done\n", sub, *id)
	}
	return exitOK
}

// parseInterleaved parses args whose words (a subcommand, a staff ID) may come before, between
// or after the flags (idbooth staff disable S0042 --db ...), and returns the words.
func parseInterleaved(env *cliEnv, fs *flag.FlagSet, args []string) ([]string, bool) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			break
		}
		words, args = append(words, fs.Arg(0)), fs.Args()[1:]
	}
	return words, parseFlags(env, fs, nil)
}

// readPIN reads the PIN: at a terminal typed twice without echo, else the first line of
// standard input (a file or a pipe), so that it appears in no process list or shell history.
func readPIN(env *cliEnv) (string, error) {
	if f, ok := env.stdin.(*os.File); ok {
		if t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			return readPINTerminal(env, f, *t)
		}
	}
	return readLine(env.stdin)
}

func readLine(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 256), 256)
	if !sc.Scan() {
		return "", errors.New("type the PIN on standard input")
	}
	return strings.TrimSpace(sc.Text()), nil
}

func readPINTerminal(env *cliEnv, f *os.File, saved unix.Termios) (string, error) {
	fd := int(f.Fd())
	quiet := saved
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return "", err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, &saved)
	r := bufio.NewReader(f)
	var pins [2]string
	for i, prompt := range []string{"PIN: ", "PIN again: "} {
		fmt.Fprint(env.stderr, prompt)
		line, err := r.ReadString('\n')
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", errors.New("no PIN typed")
		}
		pins[i] = strings.TrimSpace(line)
	}
	if pins[0] != pins[1] {
		return "", errors.New("the two PINs differ")
	}
	return pins[0], nil
}
