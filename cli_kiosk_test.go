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
	"sync"
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
func startXvfb(t *testing.T) string { return testsupport.Xvfb(t, "1280x800x24") }

// kioskProc is the real kiosk running under Xvfb, its log followed line by line.
type kioskProc struct {
	t       *testing.T
	cmd     *exec.Cmd
	display string
	home    string
	mu      sync.Mutex
	log     []string
	read    int // log lines waitLog has looked at: each wait starts after the last match
	changed chan struct{}
}

func startKiosk(t *testing.T, args ...string) *kioskProc {
	t.Helper()
	k := &kioskProc{t: t, display: startXvfb(t), home: t.TempDir(), changed: make(chan struct{}, 1)}
	k.cmd = exec.Command(os.Args[0], append([]string{"--windowed"}, args...)...)
	k.cmd.Env = append(os.Environ(), "IDBOOTH_TEST_RUN_MAIN=1", "DISPLAY="+k.display, "HOME="+k.home,
		"XDG_CONFIG_HOME="+filepath.Join(k.home, "config"), "XDG_DATA_HOME="+filepath.Join(k.home, "data"))
	stderr, _ := k.cmd.StderrPipe()
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.cmd.Process.Kill(); k.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			k.mu.Lock()
			k.log = append(k.log, sc.Text())
			k.mu.Unlock()
			select {
			case k.changed <- struct{}{}:
			default:
			}
		}
	}()
	return k
}

// waitLog waits for a log line matching re, after the lines earlier waits matched, and returns
// its submatches.
func (k *kioskProc) waitLog(re string, within time.Duration) []string {
	k.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(within)
	for {
		k.mu.Lock()
		for ; k.read < len(k.log); k.read++ {
			if m := rx.FindStringSubmatch(k.log[k.read]); m != nil {
				k.read++
				k.mu.Unlock()
				return m
			}
		}
		k.mu.Unlock()
		select {
		case <-k.changed:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			k.screenshot("timeout")
			k.t.Fatalf("no log line %q within %v; log:\n%s", re, within, strings.Join(k.log, "\n"))
		}
	}
}

// key sends keys through xdotool, as a USB keypad or a barcode reader would type them.
func (k *kioskProc) xdotool(args ...string) {
	k.t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+k.display)
	if out, err := cmd.CombinedOutput(); err != nil {
		k.t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

func (k *kioskProc) screenshot(name string) string {
	path := filepath.Join(os.TempDir(), "idbooth-"+name+".png")
	cmd := exec.Command("import", "-display", k.display, "-window", "root", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		k.t.Logf("screenshot: %v %s", err, out)
	}
	return path
}

func (k *kioskProc) stop() {
	k.t.Helper()
	k.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- k.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			k.t.Fatalf("kiosk exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		k.t.Fatal("kiosk did not exit within 10 s of SIGTERM")
	}
}

// The kiosk starts on a machine without a camera (the demo camera), shows its first screen within
// the 2 s budget, stays within its memory budget, and exits cleanly on SIGTERM.
func TestKioskStartsWithDemoCamera(t *testing.T) {
	if _, err := exec.LookPath("xdotool"); err != nil {
		testsupport.Missing(t, "xdotool: %v", err)
	}
	k := startKiosk(t, "--camera", "demo")
	m := k.waitLog(`kiosk ready startup_ms=(\d+)`, 30*time.Second)
	ms, _ := strconv.Atoi(m[1])
	t.Logf("first screen after %d ms", ms)
	if ms > 2000 {
		t.Errorf("kiosk took %d ms to its first screen, budget 2000 ms", ms)
	}
	time.Sleep(time.Second)
	checkScreenshot(t, k.screenshot("attract"), "the Start button", func(r, g, b uint32) bool {
		return r < 30 && g > 60 && g < 100 && b > 120 && b < 160 // the primary colour
	})
	// Start: the demo camera holds up a form, read within a few seconds, and the flow moves on.
	k.xdotool("key", "Return")
	k.waitLog(`to=scan`, 5*time.Second)
	k.waitLog(`to=birth_date`, 20*time.Second)
	report := memoryOf(t, k.cmd.Process.Pid)
	t.Logf("memory: %s", report)
	if report.withoutSoftwareGL > 300 {
		t.Errorf("kiosk uses %d MB (%d MB with the software OpenGL driver), budget 300 MB", report.withoutSoftwareGL, report.rss)
	}
	k.stop()
}

// A resident's whole application through the keyboard contract alone (DESIGN §7), on the real
// binary: the 23 digits and Enter of a barcode reader, 8 digits for the date of birth, Enter for
// every primary action; then `idbooth queue` lists the application, the slip PDF holds its
// receipt number, and the sync running inside the kiosk has delivered it to the intake.
func TestKioskApplicationByKeyboard(t *testing.T) {
	if _, err := exec.LookPath("xdotool"); err != nil {
		testsupport.Missing(t, "xdotool: %v", err)
	}
	camDir, slips := t.TempDir(), t.TempDir()
	face := labelledFaces(t, "accept")[0]
	data, _ := os.ReadFile(face)
	os.WriteFile(filepath.Join(camDir, "face.jpg"), data, 0o600)
	e := newQueueTestEnv(t)
	srv, held := startTestIntake(t)
	k := startKiosk(t, "--camera", camDir, "--printer", "pdf:"+slips, "--booth", "e2e-booth", "--lang", "en",
		"--db", e.db, "--key", e.key, "--intake", srv.URL, "--token", intakeToken)
	k.waitLog(`kiosk ready`, 30*time.Second)

	k.xdotool("key", "Return") // Start
	k.waitLog(`to=scan`, 5*time.Second)
	k.xdotool("type", "--delay", "5", submitFormID) // a barcode reader types fast ...
	k.xdotool("key", "Return")                      // ... and ends with Enter
	k.xdotool("key", "Return")                      // Enter moves on at once
	k.waitLog(`to=birth_date`, 5*time.Second)
	k.xdotool("type", "--delay", "60", "19850615")
	k.xdotool("key", "Return")
	k.waitLog(`to=options`, 5*time.Second)
	k.xdotool("key", "Return")
	k.waitLog(`to=instructions`, 5*time.Second)
	k.xdotool("key", "Return")
	k.waitLog(`to=live`, 5*time.Second)
	time.Sleep(2 * time.Second) // the live hint settles on the photo held up
	k.xdotool("key", "Return")  // Take photo: 3-2-1
	m := k.waitLog(`still checked ms=(\d+) preview_fps=(\d+)`, 20*time.Second)
	ms, _ := strconv.Atoi(m[1])
	fps, _ := strconv.Atoi(m[2])
	t.Logf("still checked in %d ms, the preview meanwhile at %d fps", ms, fps)
	if ms >= 200 && fps < 20 {
		t.Errorf("the preview dropped to %d fps while the still was checked (%d ms)", fps, ms)
	}
	k.waitLog(`to=review`, 20*time.Second)
	k.screenshot("review")
	k.xdotool("key", "Return") // Use this photo
	k.waitLog(`to=confirm`, 5*time.Second)
	k.xdotool("key", "Return") // Agree and send
	m = k.waitLog(`application queued receipt=(\S+) slip_printed=true`, 30*time.Second)
	receipt := m[1]
	k.waitLog(`to=done`, 5*time.Second)
	k.screenshot("done")
	// The sync inside the kiosk was woken by the new application: the intake has it at once.
	deadline := time.Now().Add(15 * time.Second)
	for n, _ := held.Count(t.Context()); n != 1; n, _ = held.Count(t.Context()) {
		if time.Now().After(deadline) {
			t.Fatalf("the intake holds %d applications, want 1", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	k.stop()

	code, out, errOut := e.idbooth(t, "queue")
	lines := jsonLines(t, out)
	if code != exitOK || len(lines) != 2 || lines[1]["receipt"] != receipt || lines[1]["booth_id"] != "e2e-booth" ||
		lines[1]["masked_id"] != "***-****-****-****-****-0123" || lines[1]["slip"].(map[string]any)["state"] != "printed" ||
		lines[1]["state"] != "sent" {
		t.Fatalf("idbooth queue: exit %d\n%s\n%s", code, out, errOut)
	}
	slipFile := filepath.Join(slips, "slip-"+receipt+".pdf")
	text, err := exec.Command("pdftotext", slipFile, "-").CombinedOutput()
	if err != nil || !strings.Contains(string(text), receipt) || !strings.Contains(string(text), "0123") {
		t.Fatalf("slip %s: %v\n%s", slipFile, err, text)
	}
}

// checkScreenshot checks that the screen is really drawn: many colours, and some pixels of what
// is expected (named by what).
func checkScreenshot(t *testing.T, path, what string, expected func(r, g, b uint32) bool) {
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
	found, colours := 0, map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			colours[r>>4<<8|g>>4<<4|bl>>4] = true
			if expected(r, g, bl) {
				found++
			}
		}
	}
	t.Logf("screenshot: %d colours, %d samples of %s", len(colours), found, what)
	if len(colours) < 20 || found < 100 {
		t.Errorf("the screen does not show %s (%d colours, %d samples): see %s", what, len(colours), found, path)
	}
}

// memory is a process's resident memory in MB: in all, and without the software OpenGL driver
// (Mesa's llvmpipe: LLVM and the swrast DRI driver), which Xvfb needs and a booth with a
// graphics chip does not load.
type memory struct{ rss, withoutSoftwareGL int }

func (m memory) String() string {
	return fmt.Sprintf("RSS %d MB, %d MB without the software OpenGL driver", m.rss, m.withoutSoftwareGL)
}

func memoryOf(t *testing.T, pid int) memory {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total, gl int
	var softwareGL bool
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-"):
			path := ""
			if len(fields) >= 6 {
				path = fields[5]
			}
			softwareGL = strings.Contains(path, "libLLVM") || strings.HasSuffix(path, "_dri.so") || strings.Contains(path, "libgallium")
		case len(fields) >= 2 && fields[0] == "Rss:":
			kb, _ := strconv.Atoi(fields[1])
			total += kb
			if softwareGL {
				gl += kb
			}
		}
	}
	return memory{rss: total / 1024, withoutSoftwareGL: (total - gl) / 1024}
}

// The kiosk's memory stays flat over many residents: a session after session through the
// keyboard contract on the real binary, memory measured after each. CI runs a dozen sessions;
// IDBOOTH_SESSIONS=200 runs the long soak whose figures the closing notes quote.
func TestKioskMemoryFlatOverSessions(t *testing.T) {
	if _, err := exec.LookPath("xdotool"); err != nil {
		testsupport.Missing(t, "xdotool: %v", err)
	}
	sessions := 12
	if n, err := strconv.Atoi(os.Getenv("IDBOOTH_SESSIONS")); err == nil && n > 0 {
		sessions = n
	}
	camDir := t.TempDir()
	data, _ := os.ReadFile(labelledFaces(t, "accept")[0])
	os.WriteFile(filepath.Join(camDir, "face.jpg"), data, 0o600)
	e := newQueueTestEnv(t)
	k := startKiosk(t, "--camera", camDir, "--printer", "pdf:"+t.TempDir(), "--db", e.db, "--key", e.key)
	k.waitLog(`kiosk ready`, 30*time.Second)
	var mem []memory
	start := time.Now()
	for s := 1; s <= sessions; s++ {
		k.xdotool("key", "Return")
		k.waitLog(`from=attract to=scan`, 5*time.Second)
		k.xdotool("type", "--delay", "5", fmt.Sprintf("1234567890123456789%04d", s))
		k.xdotool("key", "Return", "Return")
		k.waitLog(`from=scan to=birth_date`, 5*time.Second)
		k.xdotool("type", "--delay", "20", "19700101")
		k.xdotool("key", "Return", "Return", "Return")
		k.waitLog(`from=instructions to=live`, 5*time.Second)
		time.Sleep(500 * time.Millisecond)
		k.xdotool("key", "Return")
		k.waitLog(`from=checking to=review`, 20*time.Second)
		k.xdotool("key", "Return")
		k.waitLog(`from=review to=confirm`, 5*time.Second)
		k.xdotool("key", "Return")
		k.waitLog(`from=sending to=done`, 30*time.Second)
		k.xdotool("key", "Return")
		k.waitLog(`from=done to=attract`, 5*time.Second)
		time.Sleep(300 * time.Millisecond)
		mem = append(mem, memoryOf(t, k.cmd.Process.Pid))
		if s%10 == 0 || s == sessions {
			t.Logf("after %d sessions (%v): %s", s, time.Since(start).Round(time.Second), mem[s-1])
		}
	}
	k.stop()
	if code, out, _ := e.idbooth(t, "queue", "--state", "pending"); code != exitOK || len(jsonLines(t, out)) != sessions+1 {
		t.Fatalf("queue holds %d lines, want %d applications", len(jsonLines(t, out))-1, sessions)
	}
	first, last := mem[min(2, len(mem)-1)], mem[len(mem)-1]
	peak := 0
	for _, m := range mem {
		peak = max(peak, m.withoutSoftwareGL)
	}
	t.Logf("memory after session 3: %s; after session %d: %s; peak %d MB", first, sessions, last, peak)
	if peak > 300 {
		t.Errorf("peak %d MB over the 300 MB budget", peak)
	}
	if grow := last.withoutSoftwareGL - first.withoutSoftwareGL; grow > 20 {
		t.Errorf("memory grew %d MB from session 3 to %d: a leak", grow, sessions)
	}
}
