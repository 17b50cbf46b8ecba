package main

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The bounds every refused image input is held to, wherever it comes from: the real binary
// answers within imageInputTime (loading the face model included) and its resident memory never
// passes imageInputRSS (it is about 110 MB with the model loaded).
const (
	imageInputTime = 3 * time.Second
	imageInputRSS  = 200 << 20
)

// boundedRun is one run of the real binary under a watchdog.
type boundedRun struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
	peakRSS        int64  // bytes: the child's VmHWM, sampled every 10 ms
	killed         string // why the watchdog killed it ("" when it exited by itself)
}

// runBounded runs this test binary as the real idbooth (TestMain) with stdin, and kills it once
// it outlives imageInputTime or its resident memory passes imageInputRSS.
//
// The peak is the kernel's high-water mark of the child's own memory (VmHWM), sampled: the
// rusage of a child is no use here, as Linux carries the parent's high-water mark into a child
// started with vfork, as Go starts it (the test process holds the face model and more).
func runBounded(t *testing.T, stdin *os.File, args ...string) boundedRun {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "IDBOOTH_TEST_RUN_MAIN=1", "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	type verdict struct {
		peak   int64
		killed string
	}
	done := make(chan struct{})
	watched := make(chan verdict, 1)
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		deadline := time.After(imageInputTime)
		var v verdict
		defer func() { watched <- v }()
		for {
			select {
			case <-done:
				return
			case <-deadline:
				cmd.Process.Kill()
				v.killed = "still running after " + imageInputTime.String()
				return
			case <-tick.C:
				v.peak = max(v.peak, peakResident(cmd.Process.Pid))
				if v.peak > imageInputRSS {
					cmd.Process.Kill()
					v.killed = "resident memory passed " + strconv.Itoa(imageInputRSS>>20) + " MB"
					return
				}
			}
		}
	}()
	err := cmd.Wait()
	r := boundedRun{elapsed: time.Since(start), stdout: stdout.String(), stderr: stderr.String()}
	close(done)
	v := <-watched
	r.peakRSS, r.killed = v.peak, v.killed
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	r.code = cmd.ProcessState.ExitCode()
	return r
}

// peakResident is a process's peak resident memory so far (VmHWM; 0 once it has exited).
func peakResident(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(kb, "kB")), 10, 64)
			return n << 10
		}
	}
	return 0
}

// pipeFrom returns the read end of a pipe that src is copied into until the reader goes away,
// and a function that waits for the copy to end once the child has exited.
func pipeFrom(t *testing.T, src string) (*os.File, func()) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		io.Copy(w, in) // ends with EPIPE once no reader is left
		close(copied)
	}()
	return r, func() {
		r.Close()
		<-copied
		w.Close()
		in.Close()
	}
}

// Every command that reads an image file — check, submit --photo, scan — refuses devices, pipes,
// a FIFO nobody writes to and a GIF at once, in bounded memory, saying why. The real binary is
// run, as an operator would run it; before imagefile, /dev/zero filled memory and the FIFO hung.
func TestImageInputsAreBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "photo.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	var gifData bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 640, 480), color.Palette{color.Black, color.White})
	if err := gif.Encode(&gifData, pal, nil); err != nil {
		t.Fatal(err)
	}
	gifFile := writeFile(t, dir, "photo.gif", gifData.Bytes())

	inputs := []struct {
		name, path string
		pipe       string // a device copied into the child's stdin, which path then names
		want       string // in the operator's detail
	}{
		{"dev-zero", "/dev/zero", "", "not a regular file: a character device"},
		{"dev-urandom", "/dev/urandom", "", "not a regular file: a character device"},
		{"pipe-from-dev-zero", "/dev/stdin", "/dev/zero", "not a regular file: a pipe or FIFO"},
		{"fifo-without-writer", fifo, "", "not a regular file: a pipe or FIFO"},
		{"gif", gifFile, "", "unsupported format: gif"},
	}
	queue := filepath.Join(dir, "queue.db")
	commands := []struct {
		name string
		args func(path string) []string
		// detail finds the refusal in the command's one JSON line.
		detail func(line map[string]any) (string, bool)
	}{
		{"check", func(p string) []string { return []string{"check", "--lang", "en", p} }, problemDetail},
		{"submit", func(p string) []string {
			return []string{"submit", "--lang", "en", "--db", queue, "--key", queue + ".key",
				"--id", "123-4567-8901-2345-6789-0123", "--dob", "1985-06-15", "--photo", p}
		}, func(line map[string]any) (string, bool) {
			d, ok := problemDetail(line)
			return d, ok && line["error"] == "photo_unusable" && line["message"] != ""
		}},
		{"scan", func(p string) []string { return []string{"scan", "--lang", "en", p} }, func(line map[string]any) (string, bool) {
			e, _ := line["error"].(string)
			return e, strings.HasPrefix(e, "not_an_image: ") && line["message"] != ""
		}},
	}
	for _, c := range commands {
		for _, in := range inputs {
			t.Run(c.name+"/"+in.name, func(t *testing.T) {
				var stdin *os.File
				if in.pipe != "" {
					r, wait := pipeFrom(t, in.pipe)
					defer wait()
					stdin = r
				}
				r := runBounded(t, stdin, c.args(in.path)...)
				t.Logf("%s %s: exit %d in %v, peak RSS %d MB", c.name, in.name, r.code, r.elapsed.Round(time.Millisecond), r.peakRSS>>20)
				if r.killed != "" {
					t.Fatalf("killed: %s (peak RSS %d MB)", r.killed, r.peakRSS>>20)
				}
				if r.elapsed > imageInputTime || r.peakRSS > imageInputRSS {
					t.Errorf("took %v and %d MB, bounds %v and %d MB", r.elapsed, r.peakRSS>>20, imageInputTime, imageInputRSS>>20)
				}
				lines := jsonLines(t, r.stdout)
				if r.code != exitFailed || len(lines) != 1 {
					t.Fatalf("exit %d, want %d with one line\n%s\n%s", r.code, exitFailed, r.stdout, r.stderr)
				}
				if d, ok := c.detail(lines[0]); !ok || !strings.Contains(d, in.want) {
					t.Errorf("refusal %q, want it to say %q\n%s", d, in.want, r.stdout)
				}
			})
		}
	}
	if _, err := os.Stat(queue); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused photo touched the queue: %v", err)
	}
}

// problemDetail is the detail of the one not_an_image problem of a check or submit line.
func problemDetail(line map[string]any) (string, bool) {
	ps, _ := line["problems"].([]any)
	if len(ps) != 1 {
		return "", false
	}
	p, _ := ps[0].(map[string]any)
	d, _ := p["detail"].(string)
	return d, p["code"] == "not_an_image" && p["message"] != ""
}
