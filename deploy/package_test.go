// Package deploy_test builds the Debian package (scripts/deb), lints it, installs it on this
// machine and starts the installed kiosk inside cage, as a booth would. It needs root (dpkg,
// the idbooth user); CI runs as root.
package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/internal/testsupport"
)

func TestInstalledBooth(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the package test installs a .deb: run it as root")
		}
		t.Skip("needs root to install the package")
	}
	repo, _ := filepath.Abs("..")
	deb := buildPackage(t, repo)

	t.Run("lintian", func(t *testing.T) {
		out, _ := exec.Command("lintian", "--tag-display-limit", "0", deb).CombinedOutput()
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "E:") {
				t.Errorf("lintian: %s", l)
			}
		}
		t.Logf("lintian:\n%s", out)
	})

	run(t, "", "dpkg", "-i", deb)
	t.Cleanup(func() {
		exec.Command("dpkg", "--purge", "idbooth").Run()
		// The queue is kept on purge (it may hold unsent applications); this one is a test's.
		os.RemoveAll("/var/lib/idbooth")
	})

	t.Run("files", func(t *testing.T) {
		want := strings.TrimSpace(run(t, repo, "scripts/version"))
		if got := strings.TrimSpace(run(t, "", "/usr/bin/idbooth", "--version")); got != "idbooth "+want {
			t.Errorf("installed idbooth --version = %q, want %q", got, "idbooth "+want)
		}
		if got := run(t, "", "/usr/bin/idbooth-intake", "--version"); !strings.Contains(got, want) {
			t.Errorf("idbooth-intake --version = %q", got)
		}
		for path, want := range map[string]string{
			"/var/lib/idbooth":     "drwx------ idbooth idbooth",
			"/var/cache/idbooth":   "drwx------ idbooth idbooth",
			"/etc/idbooth/config":  "-rw-r----- root idbooth",
			"/usr/bin/idbooth":     "-rwxr-xr-x root root",
			"/usr/sbin/idboothctl": "-rwxr-xr-x root root",
		} {
			if got := strings.TrimSpace(run(t, "", "stat", "-c", "%A %U %G", path)); got != want {
				t.Errorf("%s: %s, want %s", path, got, want)
			}
		}
		if out := run(t, "", "systemd-analyze", "verify", "/lib/systemd/system/idbooth-kiosk.service",
			"/lib/systemd/system/idbooth-intake.service"); strings.TrimSpace(out) != "" {
			t.Errorf("systemd-analyze verify: %s", out)
		}
		if _, err := os.Stat("/etc/systemd/system/graphical.target.wants/idbooth-kiosk.service"); err != nil {
			t.Errorf("the kiosk is not enabled: %v", err)
		}
		man := run(t, "", "sh", "-c", "MANWIDTH=100 man idbooth | col -b")
		for _, w := range []string{"idbooth doctor", "min-free-mb", "/etc/idbooth/config"} {
			if !strings.Contains(man, w) {
				t.Errorf("man idbooth lacks %q", w)
			}
		}
	})

	t.Run("doctor", func(t *testing.T) {
		out, err := exec.Command("idboothctl", "doctor", "--camera", "demo").CombinedOutput()
		if err != nil || strings.Count(string(out), `"ok":true`) != 7 {
			t.Fatalf("idboothctl doctor: %v\n%s", err, out)
		}
		// It ran as the kiosk's user: what it made in the data directory is the kiosk's.
		if got := strings.TrimSpace(run(t, "", "stat", "-c", "%U", "/var/lib/idbooth/slips")); got != "idbooth" {
			t.Errorf("doctor left /var/lib/idbooth/slips owned by %s", got)
		}
	})

	// wlroots' headless backend, as a booth without a screen attached would run: start-up,
	// the watchdog, and cage ending with the kiosk.
	t.Run("kiosk in cage, headless", func(t *testing.T) { kioskInCage(t, "headless", "") })
	// The screenshot comes from cage on wlroots' X11 backend (a window on Xvfb): on the headless
	// backend with the pixman renderer, wlroots 0.15 tries to scan a full-screen client's
	// buffer out directly, the headless output refuses ("Basic output test failed") and the
	// screen stays black, whatever the client; a window smaller than the screen shows there.
	t.Run("kiosk in cage, on a screen", func(t *testing.T) {
		kioskInCage(t, "x11", testsupport.Xvfb(t, "1280x800x24"))
	})
}

// buildPackage runs scripts/deb and returns the path of the .deb.
func buildPackage(t *testing.T, repo string) string {
	t.Helper()
	start := time.Now()
	out := run(t, repo, "scripts/deb", t.TempDir())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	deb := lines[len(lines)-1]
	if !strings.HasSuffix(deb, "_amd64.deb") {
		t.Fatalf("scripts/deb printed %q", out)
	}
	fi, _ := os.Stat(deb)
	t.Logf("built %s (%d MB) in %v", filepath.Base(deb), fi.Size()>>20, time.Since(start).Round(time.Second))
	return deb
}

// kioskInCage starts the installed kiosk the way idbooth-kiosk.service does (the idbooth user,
// cage, the booth's environment) on the wlroots backend given (x11: in a window on display);
// systemd's notify socket is played by the test. On a screen, the compositor's screenshot must
// show the kiosk.
func kioskInCage(t *testing.T, backend, display string) {
	// Short: a Wayland socket's path must fit in 108 bytes, and t.TempDir's are long.
	dir, err := os.MkdirTemp("", "cage-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	rt := filepath.Join(dir, "runtime")
	os.Mkdir(rt, 0o700)
	run(t, "", "chown", "idbooth:idbooth", rt)
	notify := listenNotify(t, filepath.Join(dir, "notify"))

	var booth []byte
	env := []string{"XDG_RUNTIME_DIR=" + rt, "WLR_BACKENDS=" + backend, "DISPLAY=" + display, "WLR_LIBINPUT_NO_DEVICES=1", "WLR_RENDERER=pixman",
		"NOTIFY_SOCKET=" + notify.path, "WATCHDOG_USEC=4000000", "WATCHDOG_PID=1"}
	booth, err = os.ReadFile("/usr/share/idbooth/booth.env")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(booth), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			env = append(env, l)
		}
	}
	args := append([]string{"-u", "idbooth", "--", "env"}, env...)
	args = append(args, "cage", "-d", "--", "/usr/bin/idbooth", "kiosk", "--camera", "demo")
	cage := exec.Command("runuser", args...)
	var log bytes.Buffer
	cage.Stdout, cage.Stderr = &log, &log
	cage.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cage.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cage.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cage.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	if !notify.wait("READY=1", 60*time.Second, exited) {
		t.Fatalf("no READY=1 from the kiosk inside cage\n%s", log.String())
	}
	t.Logf("READY=1 through cage after %v", time.Since(start).Round(time.Millisecond))
	// The watchdog hears from the kiosk's UI loop: WATCHDOG_USEC=4 s means a ping a second.
	n := notify.count("WATCHDOG=1")
	time.Sleep(3 * time.Second)
	if got := notify.count("WATCHDOG=1") - n; got < 2 {
		t.Errorf("%d watchdog pings in 3 s, want one a second", got)
	}

	if backend == "x11" {
		shot := filepath.Join(rt, "screen.png")
		run(t, "", "runuser", "-u", "idbooth", "--", "env", "XDG_RUNTIME_DIR="+rt, "WAYLAND_DISPLAY=wayland-0", "grim", shot)
		img := decodePNG(t, shot)
		if d := os.Getenv("IDBOOTH_SCREENSHOTS"); d != "" {
			data, _ := os.ReadFile(shot)
			os.WriteFile(filepath.Join(d, "cage-kiosk.png"), data, 0o644)
		}
		if lit, colours := litFraction(img); lit < 0.5 || colours < 50 {
			t.Errorf("the compositor's screen (%v) is %.0f%% lit in %d colours: the kiosk is not on it\n%s",
				img.Bounds(), lit*100, colours, log.String())
		}
	}

	// The kiosk dies: cage must end too, so that systemd restarts the unit.
	kiosk := childOf(t, cage.Process.Pid, "idbooth")
	syscall.Kill(kiosk, syscall.SIGKILL)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("cage still runs 10 s after the kiosk died\n%s", log.String())
	}
}

// notifySocket plays systemd's side of sd_notify.
type notifySocket struct {
	path string
	mu   sync.Mutex
	msgs []string
}

func listenNotify(t *testing.T, path string) *notifySocket {
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o666) // the kiosk runs as idbooth
	t.Cleanup(func() { conn.Close() })
	n := &notifySocket{path: path}
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := conn.Read(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.msgs = append(n.msgs, strings.Split(strings.TrimSpace(string(buf[:k])), "\n")...)
			n.mu.Unlock()
		}
	}()
	return n
}

func (n *notifySocket) count(msg string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for _, m := range n.msgs {
		if m == msg {
			c++
		}
	}
	return c
}

// wait waits up to d for msg, giving up early when the process sending it ends.
func (n *notifySocket) wait(msg string, d time.Duration, ended <-chan struct{}) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if n.count(msg) > 0 {
			return true
		}
		select {
		case <-ended:
			return false
		default:
		}
	}
	return false
}

// childOf finds the process called name among the descendants of pid.
func childOf(t *testing.T, pid int, name string) int {
	t.Helper()
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		comm, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/comm")
		if strings.TrimSpace(string(comm)) == name {
			return p
		}
		kids, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/task/" + strconv.Itoa(p) + "/children")
		for _, k := range strings.Fields(string(kids)) {
			if n, err := strconv.Atoi(k); err == nil {
				queue = append(queue, n)
			}
		}
	}
	t.Fatalf("no %s process under %d", name, pid)
	return 0
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(bufio.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// litFraction is the share of pixels that are not black, and how many colours there are.
func litFraction(img image.Image) (float64, int) {
	b := img.Bounds()
	lit := 0
	colours := map[[3]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r+g+bl > 3*0x1000 {
				lit++
			}
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return float64(lit) / float64(b.Dx()*b.Dy()), len(colours)
}

// run runs a command in dir and returns its standard output; it fails the test on an error.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}
