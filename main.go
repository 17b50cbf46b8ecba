// Command idbooth is the kiosk for Individual Number Card applications.
//
// Without a subcommand it opens the kiosk window. Subcommands (DESIGN §2) serve operators,
// scripts and tests; they print one JSON object per line and exit 0 when everything passed,
// 1 when at least one input failed its check, 2 on a usage or I/O error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/config"
	"github.com/idbooth/idbooth/internal/systemd"
)

// Exit statuses of the CLI contract.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// A command is one idbooth subcommand. Each lives in its own cli_*.go file and registers
// itself in init, so adding a command touches no other file.
type command struct {
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) int
}

var commands = map[string]command{}

// cliEnv is what a command may touch of the outside world, so tests can run commands in-process.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configFile     map[string]string
}

// commonFlags are the flags every idbooth command takes (issue 4): the queue database and its key,
// and the language of messages meant for people.
type commonFlags struct {
	db, key, lang string
}

// newFlagSet makes a command's flag set with the common flags already defined.
func newFlagSet(env *cliEnv, name, usage string) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet("idbooth "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	c := &commonFlags{}
	fs.StringVar(&c.db, "db", filepath.Join(config.DataDir(), "queue.db"), "SQLite queue database (env IDBOOTH_DB)")
	fs.StringVar(&c.key, "key", filepath.Join(config.DataDir(), "queue.key"), "encryption key file, created 0600 on first use (env IDBOOTH_KEY)")
	fs.StringVar(&c.lang, "lang", "ja", "language of messages for people: "+strings.Join(assets.Offered, ", ")+" (env IDBOOTH_LANG)")
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "usage: idbooth %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs, c
}

// parseFlags parses args, then fills what was not given from the environment and config file.
// It returns false (after printing why) on a usage error.
func parseFlags(env *cliEnv, fs *flag.FlagSet, args []string) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	if err := config.Apply(fs, env.configFile); err != nil {
		fmt.Fprintln(env.stderr, "idbooth:", err)
		return false
	}
	return true
}

func main() {
	os.Exit(runWithSignals(os.Args[1:]))
}

// runWithSignals runs a command until it ends or SIGINT/SIGTERM asks it to stop cleanly.
func runWithSignals(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Under systemd the log goes to the journal with a field per attribute.
	if h := systemd.LogHandler("idbooth", slog.LevelInfo); h != nil {
		slog.SetDefault(slog.New(h))
	}
	return runMainIO(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runMainIO(ctx, args, strings.NewReader(""), stdout, stderr)
}

func runMainIO(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	file, err := config.ReadFiles(config.Files()...)
	if err != nil {
		fmt.Fprintln(stderr, "idbooth:", err)
		return exitUsage
	}
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr, configFile: file}

	name := "kiosk"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		usage(stdout) // asked for: on stdout, as help2man and pagers expect
		return exitOK
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "idbooth: unknown command %q\n", name)
		usage(stderr)
		return exitUsage
	}
	return cmd.run(ctx, env, args)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: idbooth [command] [flags]\n\nWithout a command, idbooth starts the kiosk.\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'idbooth COMMAND -h' for the flags of one command.")
}

// printJSON writes v as one line of JSON: the stable output format of every subcommand.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
