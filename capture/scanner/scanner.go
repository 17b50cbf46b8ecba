// Package scanner imports a printed photo from a flatbed scanner through SANE's scanimage: the
// photo a resident brought to the counter, to be checked by the same photo checker as a
// camera's.
//
// scanimage runs as a child process, never through a shell, with the device and options from
// the configuration, PNG on its standard output, a deadline, and a bound on what it may
// write. Failures are codes (ErrNoScanner, ErrBusy, ErrTimeout, ...) that the counter screen
// turns into words; SANE's own status comes back as scanimage's exit status.
package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/imagefile"
)

// Config says which scanner to use and how.
type Config struct {
	// Device is the SANE device name ("epson2:libusb:001:004", "pnm:0"); "" lets scanimage take
	// the first it finds.
	Device string
	// Options are the device's own options, as scanimage takes them ("--resolution=600",
	// "-x", "60"); options that choose other outputs or devices are refused (New).
	Options []string
	// Env is added to scanimage's environment (SANE_CONFIG_DIR for a test's pnm device).
	Env []string
	// Timeout bounds one scan (0: DefaultTimeout).
	Timeout time.Duration
	// MaxBytes bounds the PNG scanimage writes (0: DefaultMaxBytes); past it the scan is
	// stopped and fails with ErrTooLarge.
	MaxBytes int64
	// Command is the scanimage program ("": scanimage on PATH).
	Command string
}

// Defaults. A 35×45 mm print at 600 dpi is 827×1063 pixels; even a whole A4 page at 600 dpi
// (about 35 megapixels) fits imagefile's limits, which bound every image input.
const (
	DefaultTimeout  = 90 * time.Second
	DefaultMaxBytes = imagefile.MaxFileBytes
	maxStderr       = 4 << 10
)

// The errors of a scan. Each names the message the clerk sees (assets/i18n/*/counter_office.json).
var (
	ErrNoScanner  = booth.NewKind("scanner: no scanner found (not connected, off, or scanimage not installed)", "counter.scanner.none")
	ErrBusy       = booth.NewKind("scanner: busy with another scan", "counter.scanner.busy")
	ErrTimeout    = booth.NewKind("scanner: the scan took too long", "counter.scanner.timeout")
	ErrCoverOpen  = booth.NewKind("scanner: the cover is open", "counter.scanner.cover_open")
	ErrJammed     = booth.NewKind("scanner: paper jammed", "counter.scanner.jammed")
	ErrNoDocument = booth.NewKind("scanner: no document to scan", "counter.scanner.no_document")
	ErrTooLarge   = booth.NewKind("scanner: the scan is larger than allowed", "counter.scanner.too_large")
	ErrNotAnImage = booth.NewKind("scanner: the scan is not a readable PNG", "counter.scanner.failed")
	ErrFailed     = booth.NewKind("scanner: the scan failed", "counter.scanner.failed")
	ErrOption     = booth.NewKind("scanner: an option in the configuration is refused here or unknown to scanimage", "counter.scanner.failed")
)

// refusedLong and refusedShort are scanimage options that would write elsewhere, scan in
// batches, pick another device or format, or do anything but one scan. scanimage (getopt_long)
// takes any unambiguous prefix of a long option, so prefixes are refused too.
var (
	refusedLong = []string{"--output-file", "--batch", "--batch-start", "--batch-count", "--batch-increment",
		"--batch-double", "--batch-prompt", "--accept-md5-only", "--device-name", "--format", "--list-devices",
		"--formatted-device-list", "--test", "--all-options", "--help", "--dont-scan", "--icc-profile", "--version"}
	refusedShort = "obdLfTAhniV"
)

// allowed reports whether o may be given to scanimage as a device option or its value.
func allowed(o string) bool {
	switch {
	case strings.HasPrefix(o, "--"):
		name, _, _ := strings.Cut(o, "=")
		for _, r := range refusedLong {
			if len(name) > 2 && strings.HasPrefix(r, name) {
				return false
			}
		}
	case strings.HasPrefix(o, "-") && len(o) > 1:
		return !strings.ContainsRune(refusedShort, rune(o[1]))
	}
	return true
}

// Scanner runs scans, one at a time.
type Scanner struct {
	cfg Config
	mu  sync.Mutex
}

// New checks cfg and returns its scanner.
func New(cfg Config) (*Scanner, error) {
	for _, o := range cfg.Options {
		if !allowed(o) {
			return nil, fmt.Errorf("%w: %q", ErrOption, o)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Command == "" {
		cfg.Command = "scanimage"
	}
	return &Scanner{cfg: cfg}, nil
}

// Scan scans once and returns the PNG. A second Scan while one runs fails at once with ErrBusy.
func (s *Scanner) Scan(ctx context.Context) ([]byte, error) {
	if !s.mu.TryLock() {
		return nil, fmt.Errorf("%w: this counter is already scanning", ErrBusy)
	}
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()

	args := []string{"--format=png"}
	if s.cfg.Device != "" {
		args = append(args, "--device-name="+s.cfg.Device)
	}
	args = append(args, s.cfg.Options...)
	cmd := exec.CommandContext(ctx, s.cfg.Command, args...)
	cmd.Env = append(cmd.Environ(), s.cfg.Env...)
	// Its own process group, so a backend's helper processes go with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	stderr := &tailBuffer{max: maxStderr}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("%w: %s is not installed (Debian: sane-utils)", ErrNoScanner, s.cfg.Command)
		}
		return nil, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	png, readErr := io.ReadAll(io.LimitReader(stdout, s.cfg.MaxBytes+1))
	tooLarge := int64(len(png)) > s.cfg.MaxBytes
	if tooLarge || readErr != nil {
		cancel() // stop it: nothing more is read
	}
	waitErr := cmd.Wait()
	switch {
	case tooLarge:
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, s.cfg.MaxBytes)
	case readErr != nil:
		return nil, fmt.Errorf("%w: %w", ErrFailed, readErr)
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("%w: no image within %v", ErrTimeout, s.cfg.Timeout)
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case waitErr != nil:
		return nil, classify(waitErr, stderr.String())
	}
	if err := checkPNG(png); err != nil {
		return nil, err
	}
	return png, nil
}

// SANE status codes, which scanimage exits with when sane_start or sane_read fails.
const (
	statusBusy      = 3
	statusJammed    = 6
	statusNoDocs    = 7
	statusCoverOpen = 8
)

// classify turns scanimage's exit into one of the errors. The detail is scanimage's last line
// (device and SANE messages: nothing of the resident's).
func classify(err error, stderr string) error {
	msg := lastLine(stderr)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return fmt.Errorf("%w: %w", ErrFailed, err)
	}
	code := ee.ExitCode()
	switch {
	case strings.Contains(stderr, "no SANE devices found"), strings.Contains(stderr, "open of device"):
		return fmt.Errorf("%w: %s", ErrNoScanner, msg)
	case code == statusBusy, strings.Contains(stderr, "Device busy"):
		return fmt.Errorf("%w: %s", ErrBusy, msg)
	case code == statusJammed:
		return fmt.Errorf("%w: %s", ErrJammed, msg)
	case code == statusNoDocs:
		return fmt.Errorf("%w: %s", ErrNoDocument, msg)
	case code == statusCoverOpen:
		return fmt.Errorf("%w: %s", ErrCoverOpen, msg)
	case strings.Contains(stderr, "unrecognized option"), strings.Contains(stderr, "invalid option"):
		return fmt.Errorf("%w: %s", ErrOption, msg)
	}
	return fmt.Errorf("%w: exit %d: %s", ErrFailed, code, msg)
}

// checkPNG refuses output that is not a PNG, or whose header claims more pixels than
// imagefile allows any image input (decoding it would allocate that much).
func checkPNG(data []byte) error {
	h, err := imagefile.Check(data)
	switch {
	case errors.Is(err, imagefile.ErrTooLarge):
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNotAnImage, err)
	case h.Format != "png":
		return fmt.Errorf("%w: %s, not the PNG asked for", ErrNotAnImage, h.Format)
	}
	return nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimPrefix(s, "scanimage: ")
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if len(b.buf) > b.max {
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-b.max:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string { return string(b.buf) }
