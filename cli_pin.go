package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/config"
)

func init() {
	commands["pin"] = command{summary: "set the operator PIN (read from standard input; stored only as a slow hash)", run: runPIN}
}

// runPIN reads a PIN (4–12 digits) from standard input, so that it appears in no process list
// or shell history, and stores its argon2id hash in the config file as operator-pin-hash.
func runPIN(_ context.Context, env *cliEnv, args []string) int {
	fs, _ := newFlagSet(env, "pin", "[--print] < file-with-the-PIN")
	printOnly := fs.Bool("print", false, "print the hash instead of storing it in the config file")
	file := fs.String("config", config.SettingsFile(), "file to store the hash in (env IDBOOTH_SETTINGS, else IDBOOTH_CONFIG)")
	if !parseFlags(env, fs, args) || fs.NArg() > 0 {
		return exitUsage
	}
	sc := bufio.NewScanner(env.stdin)
	sc.Buffer(make([]byte, 256), 256)
	if !sc.Scan() {
		fmt.Fprintln(env.stderr, "idbooth pin: type the PIN on standard input")
		return exitUsage
	}
	p := strings.TrimSpace(sc.Text())
	h, err := pin.Hash(p)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth pin:", err)
		return exitUsage
	}
	if *printOnly {
		fmt.Fprintln(env.stdout, h)
		return exitOK
	}
	if err := config.Update(*file, map[string]string{"operator-pin-hash": h}); err != nil {
		fmt.Fprintln(env.stderr, "idbooth pin:", err)
		return exitUsage
	}
	fmt.Fprintf(env.stderr, "idbooth pin: operator PIN set in %s\n", *file)
	return exitOK
}
