package main

import (
	"bufio"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/internal/testsupport"
)

// TestMain lets a test re-run this binary as the real kiosk: Fyne must own the main thread, which
// only a process of its own gives it.
func TestMain(m *testing.M) {
	if os.Getenv("IDBOOTH_TEST_RUN_MAIN") == "1" {
		os.Exit(runWithSignals(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// startXvfb starts a virtual display and returns its DISPLAY value.
func startXvfb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		testsupport.Missing(t, "Xvfb: %v", err)
	}
	r, w, _ := os.Pipe()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
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

// The kiosk starts on a machine without a camera (the demo camera), shows its first screen within
// the 2 s budget, reads the demo form, stays within its memory budget, and exits cleanly on SIGTERM.
func TestKioskStartsWithDemoCamera(t *testing.T) {
	display := startXvfb(t)
	cmd := exec.Command(os.Args[0], "--windowed", "--camera", "demo")
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "IDBOOTH_TEST_RUN_MAIN=1", "DISPLAY="+display,
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	ready := make(chan int, 1)
	go func() {
		re := regexp.MustCompile(`kiosk ready startup_ms=(\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				ms, _ := strconv.Atoi(m[1])
				ready <- ms
			}
		}
	}()
	select {
	case ms := <-ready:
		t.Logf("first screen after %d ms", ms)
		if ms > 2000 {
			t.Errorf("kiosk took %d ms to its first screen, budget 2000 ms", ms)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("kiosk never became ready")
	}

	// Let the demo form come up and be read, then look at the screen as a person would.
	time.Sleep(4 * time.Second)
	shot := filepath.Join(t.TempDir(), "kiosk.png")
	if out, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v %s", err, out)
	}
	checkScreenshot(t, shot)

	rss := rssMB(t, cmd.Process.Pid)
	t.Logf("resident memory %d MB", rss)
	if rss > 300 {
		t.Errorf("kiosk uses %d MB, budget 300 MB", rss)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("kiosk exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("kiosk did not exit within 10 s of SIGTERM")
	}
}

// checkScreenshot checks the first screen is really drawn: the green "read" message under the
// preview (the demo form was read) and a preview that is not a blank area.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	green, colours := 0, map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			colours[r>>4<<8|g>>4<<4|bl>>4] = true
			if g > 100 && g > r+50 && g > bl+40 { // the "read" message and the guide's green
				green++
			}
		}
	}
	t.Logf("screenshot: %d colours, %d green samples", len(colours), green)
	if len(colours) < 50 {
		t.Errorf("the screen looks blank (%d colours)", len(colours))
	}
	if green < 100 {
		t.Errorf("no sign that the demo form was read (%d green samples): see %s", green, path)
		data, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join(os.TempDir(), "idbooth-kiosk-failed.png"), data, 0o644)
	}
}

func rssMB(t *testing.T, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
