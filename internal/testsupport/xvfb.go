package testsupport

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Xvfb starts a virtual X display of the given screen (e.g. "1280x800x24") for the rest of the
// test and returns its DISPLAY value. Local clients of any user may connect (no -auth).
func Xvfb(t testing.TB, screen string) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		Missing(t, "Xvfb: %v", err)
	}
	r, w, _ := os.Pipe()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}
