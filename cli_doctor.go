package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

func init() {
	commands["doctor"] = command{summary: "check this booth: camera, printer, queue, disk, clock, intake (one line each)", run: runDoctor}
}

// doctorLine is one line of `idbooth doctor`.
type doctorLine struct {
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// A doctorCheck inspects one part of the booth and says how it is.
type doctorCheck struct {
	name string
	run  func(ctx context.Context) (string, error)
}

// Limits of the checks.
const (
	doctorCheckTimeout = 15 * time.Second
	// doctorFrames frames must come from the camera within doctorCheckTimeout.
	doctorFrames = 5
	// maxClockSkew against the intake's clock: receipts carry the time, and TLS needs the date.
	maxClockSkew = 2 * time.Minute
)

// clockFloor is a date this build cannot run before: a booth whose clock shows an earlier one
// lost its time (a dead CMOS battery and no NTP).
var clockFloor = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func runDoctor(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "doctor", "[--camera SPEC] [--printer SPEC] [--intake URL --token T]")
	camera := fs.String("camera", "auto", "camera, as the kiosk's --camera")
	printer := fs.String("printer", "", "slip printer, as the kiosk's --printer")
	statusURL := fs.String("status-url", slip.DefaultStatusURL, "as the kiosk's --status-url")
	intakeURL := fs.String("intake", "", "intake server URL, as the kiosk's (env IDBOOTH_INTAKE_URL)")
	token := fs.String("token", "", "intake token (env IDBOOTH_INTAKE_TOKEN)")
	caFile := fs.String("ca", "", "PEM file of CA certificates to trust for the intake")
	minFree := fs.Int64("min-free-mb", 500, "fail when the data directory's file system has less free space (MB)")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	// Files doctor opens as root would belong to root and lock the kiosk's user out of its own
	// queue (SQLite creates its -wal and -shm files on open): become the data's owner first.
	if err := becomeOwnerOf(filepath.Dir(common.db)); err != nil {
		fmt.Fprintln(env.stderr, "idbooth doctor:", err)
		return exitUsage
	}
	var intakeClock time.Time
	checks := []doctorCheck{
		{"queue", func(ctx context.Context) (string, error) { return checkQueue(ctx, common.db, common.key) }},
		{"audit", func(ctx context.Context) (string, error) { return checkAudit(ctx, common.db, common.key) }},
		{"disk", func(context.Context) (string, error) { return checkDisk(filepath.Dir(common.db), *minFree) }},
		{"camera", func(ctx context.Context) (string, error) { return checkCamera(ctx, *camera) }},
		{"printer", func(ctx context.Context) (string, error) {
			p, err := openKioskPrinter(*printer, *statusURL)
			if err != nil || p == nil {
				return "none configured", err
			}
			return p.(*slip.Booth).Ready(ctx)
		}},
		{"intake", func(ctx context.Context) (string, error) {
			var d string
			var err error
			d, intakeClock, err = checkIntake(ctx, *intakeURL, *token, *caFile)
			return d, err
		}},
		{"clock", func(context.Context) (string, error) { return checkClock(time.Now(), intakeClock) }},
	}
	code := exitOK
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, doctorCheckTimeout)
		detail, err := c.run(cctx)
		cancel()
		line := doctorLine{Check: c.name, OK: err == nil, Detail: detail}
		if err != nil {
			line.Detail = err.Error()
			code = exitFailed
		}
		if err := printJSON(env.stdout, line); err != nil {
			return exitUsage
		}
	}
	return code
}

func checkQueue(ctx context.Context, db, key string) (string, error) {
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return "no queue yet at " + db + " (the kiosk creates it)", nil
	}
	st, err := storage.Open(ctx, storage.Config{Path: db, KeyFile: key, MustExist: true})
	if err != nil {
		return "", err
	}
	defer st.Close()
	s, err := st.Stats(ctx)
	if err != nil {
		return "", err
	}
	d := fmt.Sprintf("opens with its key; %d pending, %d sending, %d sent, %d refused", s.Pending, s.Sending, s.Sent, s.Failed)
	if !s.OldestUnsent.IsZero() {
		d += fmt.Sprintf("; oldest unsent %s old", time.Since(s.OldestUnsent).Round(time.Minute))
	}
	return d, nil
}

// checkAudit verifies the audit log's hash chain, as `idbooth audit verify` does, so that a
// booth whose log was edited is noticed on the operator's routine check and not only when
// someone thinks to look.
func checkAudit(ctx context.Context, db, key string) (string, error) {
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return "no queue yet", nil
	}
	st, err := storage.Open(ctx, storage.Config{Path: db, KeyFile: key, MustExist: true})
	if err != nil {
		return "", err
	}
	defer st.Close()
	r, err := st.VerifyAudit(ctx)
	if err != nil {
		return "", err
	}
	if !r.OK {
		first := "the append-only guard was removed"
		if len(r.Problems) > 0 {
			first = fmt.Sprintf("entry %d %s", r.Problems[0].Seq, r.Problems[0].Code)
		}
		return "", fmt.Errorf("audit log changed: %d problems, first %s (idbooth audit verify lists them)", len(r.Problems)+r.More, first)
	}
	return fmt.Sprintf("%d entries, chain sound up to entry %d", r.Entries, r.HeadSeq), nil
}

func checkDisk(dir string, minFreeMB int64) (string, error) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			// Not created yet: measure where it will be.
			return checkDisk(filepath.Dir(dir), minFreeMB)
		}
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	free := int64(fs.Bavail) * int64(fs.Bsize) >> 20
	d := fmt.Sprintf("%d MB free for %s", free, dir)
	if free < minFreeMB {
		return "", fmt.Errorf("%s, under %d MB", d, minFreeMB)
	}
	return d, nil
}

func checkCamera(ctx context.Context, spec string) (string, error) {
	src, err := capture.Open(spec)
	if err != nil {
		return "", err
	}
	defer src.Close()
	frame := gocv.NewMat()
	defer frame.Close()
	start := time.Now()
	for n := 0; n < doctorFrames; n++ {
		if ctx.Err() != nil {
			return "", fmt.Errorf("%s: %d of %d frames in %v", src.Name(), n, doctorFrames, time.Since(start).Round(time.Millisecond))
		}
		if err := src.Read(&frame); err != nil {
			return "", fmt.Errorf("%s: frame %d: %w (is the kiosk using it?)", src.Name(), n+1, err)
		}
	}
	return fmt.Sprintf("%s: %d frames of %dx%d in %v", src.Name(), doctorFrames, frame.Cols(), frame.Rows(),
		time.Since(start).Round(time.Millisecond)), nil
}

func checkIntake(ctx context.Context, url, token, caFile string) (string, time.Time, error) {
	if url == "" || url == "none" {
		return "none configured: this booth keeps its applications until an intake is set", time.Time{}, nil
	}
	c, err := upload.NewClient(upload.ClientConfig{URL: url, Token: token, CAFile: caFile, Timeout: doctorCheckTimeout})
	if err != nil {
		return "", time.Time{}, err
	}
	defer c.CloseIdle()
	clock, err := c.CheckAuth(ctx)
	if err != nil {
		return "", clock, err
	}
	return url + " accepts the token", clock, nil
}

func checkClock(now, intake time.Time) (string, error) {
	if now.Before(clockFloor) {
		return "", fmt.Errorf("the clock says %s, before this release: set the time (NTP)", now.Format(time.RFC3339))
	}
	d := now.Format(time.RFC3339)
	if intake.IsZero() {
		return d + "; no intake clock to compare with", nil
	}
	skew := now.Sub(intake)
	if skew < -maxClockSkew || skew > maxClockSkew {
		return "", fmt.Errorf("the clock is %v off the intake's: set the time (NTP)", skew.Round(time.Second))
	}
	return fmt.Sprintf("%s; within %v of the intake's", d, maxClockSkew), nil
}

// becomeOwnerOf switches a root process to the user owning dir (with that user's groups), so
// what it creates there stays usable by that user. Other users, and root over root's own
// directory, stay who they are.
func becomeOwnerOf(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil // nothing there yet to protect
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return nil
	}
	u, err := user.LookupId(strconv.Itoa(int(st.Uid)))
	if err != nil {
		return fmt.Errorf("owner of %s: %w", dir, err)
	}
	var gids []int
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			if n, err := strconv.Atoi(g); err == nil {
				gids = append(gids, n)
			}
		}
	}
	if err := syscall.Setgroups(gids); err != nil {
		return fmt.Errorf("become %s: %w", u.Username, err)
	}
	if err := syscall.Setgid(int(st.Gid)); err != nil {
		return fmt.Errorf("become %s: %w", u.Username, err)
	}
	if err := syscall.Setuid(int(st.Uid)); err != nil {
		return fmt.Errorf("become %s: %w", u.Username, err)
	}
	return nil
}
