package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
)

// idboothBinary runs the real idbooth binary (this test binary re-executed as main) with stdin.
func idboothBinary(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "IDBOOTH_TEST_RUN_MAIN=1", "IDBOOTH_CONFIG=/nonexistent")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

func TestStaffCommand(t *testing.T) {
	e := newQueueTestEnv(t)
	staffCmd := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		return idboothBinary(t, stdin, append([]string{"staff", args[0], "--db", e.db, "--key", e.key}, args[1:]...)...)
	}
	if code, _, errOut := staffCmd("520731\n", "add", "--id", "S0042", "--name", "窓口 花子"); code != exitOK {
		t.Fatalf("add: %d %s", code, errOut)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  int
	}{
		{"520731\n", []string{"add", "--id", "S0042", "--name", "Again"}, exitFailed}, // taken
		{"123456\n", []string{"add", "--id", "S1", "--name", "A"}, exitUsage},         // a run
		{"1234\n", []string{"add", "--id", "S1", "--name", "A"}, exitUsage},           // short
		{"", []string{"add", "--id", "S1", "--name", "A"}, exitUsage},                 // no PIN
		{"520731\n", []string{"add", "--id", "S 1", "--name", "A"}, exitUsage},        // bad ID
		{"520731\n", []string{"add", "--id", "S1"}, exitUsage},                        // no name
		{"", []string{"add", "520731", "--id", "S1", "--name", "A"}, exitUsage},       // a PIN as an argument
		{"", []string{"disable", "nobody"}, exitFailed},
		{"", []string{"remove", "S0042"}, exitUsage},
	} {
		// In-process (the binary's main with this stdin): the refusals need no process each.
		var out, errOut bytes.Buffer
		args := append([]string{"staff", tc.args[0], "--db", e.db, "--key", e.key}, tc.args[1:]...)
		if code := runMainIO(context.Background(), args, strings.NewReader(tc.stdin), &out, &errOut); code != tc.want {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, tc.want, errOut.String())
		}
	}
	if code, _, errOut := idboothBinary(t, "", "staff", "disable", "S0042", "--db", e.db, "--key", e.key); code != exitOK {
		t.Fatalf("disable: %d %s", code, errOut)
	}
	code, out, _ := staffCmd("", "list")
	var line map[string]any
	if err := json.Unmarshal([]byte(out), &line); code != exitOK || err != nil || line["id"] != "S0042" ||
		line["name"] != "窓口 花子" || line["disabled"] != true || strings.Contains(out, "argon2") {
		t.Fatalf("list: %d %q", code, out)
	}
	// Signing in sees the same file: disabled, then enabled with a new PIN.
	signIn := func(p string) error {
		s, err := storage.Open(context.Background(), storage.Config{Path: e.db, KeyFile: e.key, MustExist: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = staff.NewDirectory(s, nil).SignIn(context.Background(), "S0042", p)
		return err
	}
	if err := signIn("520731"); !errors.Is(err, staff.ErrUnknownOrDisabled) {
		t.Fatalf("disabled: %v", err)
	}
	if code, _, errOut := staffCmd("", "enable", "S0042"); code != exitOK {
		t.Fatalf("enable: %d %s", code, errOut)
	}
	if code, _, errOut := staffCmd("864209\n", "pin", "S0042"); code != exitOK {
		t.Fatalf("pin: %d %s", code, errOut)
	}
	if err := signIn("864209"); err != nil {
		t.Fatalf("new PIN: %v", err)
	}
	for _, p := range []string{"520731", "864209"} {
		for _, f := range []string{e.db, e.db + "-wal"} {
			if data, _ := os.ReadFile(f); bytes.Contains(data, []byte(p)) {
				t.Errorf("PIN %s in clear in %s", p, filepath.Base(f))
			}
		}
	}
	// The commands' help is on stdout for help2man.
	if code, out, _ := idboothBinary(t, "", "--help"); code != exitOK || !strings.Contains(out, "staff ") || !strings.Contains(out, "audit ") {
		t.Errorf("help lacks the staff and audit commands: %q", out)
	}
}

// openPTY opens a pseudo-terminal pair: the staff PIN typed at a real terminal.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// At a terminal the PIN is asked twice and not echoed; two different PINs are refused.
func TestStaffPINAtTerminal(t *testing.T) {
	e := newQueueTestEnv(t)
	for _, tc := range []struct {
		typed string
		want  int
	}{{"520731\n520731\n", exitOK}, {"520731\n520732\n", exitUsage}} {
		master, tty := openPTY(t)
		errOut := &syncBuffer{}
		env := &cliEnv{stdin: tty, stdout: io.Discard, stderr: errOut}
		id := fmt.Sprintf("T%d", tc.want)
		done := make(chan int)
		go func() {
			done <- runStaff(context.Background(), env, []string{"add", "--db", e.db, "--key", e.key, "--id", id, "--name", "T"})
		}()
		// Type each line once its prompt is there (echo is off by then, as for a person).
		lines := strings.SplitAfter(tc.typed, "\n")
		for i, prompt := range []string{"PIN: ", "PIN again: "} {
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(errOut.String(), prompt) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if _, err := master.WriteString(lines[i]); err != nil {
				t.Fatal(err)
			}
		}
		if code := <-done; code != tc.want {
			t.Fatalf("%q: exit %d, want %d: %s", tc.typed, code, tc.want, errOut.String())
		}
		// Nothing was echoed back to the terminal.
		tty.Close()
		echo := make([]byte, 256)
		unix.SetNonblock(int(master.Fd()), true)
		n, _ := master.Read(echo)
		if bytes.Contains(echo[:n], []byte("520731")) {
			t.Errorf("the PIN was echoed: %q", echo[:n])
		}
	}
}

// syncBuffer is a bytes.Buffer safe to write and read from two goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }
