package slip

import (
	"context"
	"errors"
	"image"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/slip/escpostest"
)

func TestESCPOSOverTCPPrintsTheRenderedSlip(t *testing.T) {
	for _, width := range []int{Width80mm, Width58mm} {
		fake := escpostest.New()
		addr := fake.Listen(t)
		p, err := OpenPrinter("escpos://"+addr+"?width="+map[int]string{Width80mm: "80mm", Width58mm: "58mm"}[width], Options{Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		r := sampleReceipt()
		if err := p.Print(context.Background(), r); err != nil {
			t.Fatalf("%d dots: %v", width, err)
		}
		want, err := RenderRaster(r, width)
		if err != nil {
			t.Fatal(err)
		}
		jobs := waitJobs(t, fake, 1)
		if errs := fake.Errors(); len(errs) > 0 {
			t.Fatalf("printer saw protocol errors: %v", errs)
		}
		job := jobs[0]
		// The status is asked before the job (3 requests) and again after the cut.
		if !job.Initialized || job.StatusRequests != 3 {
			t.Errorf("job initialised %v, %d status requests before the cut; want ESC @ and 3 DLE EOT", job.Initialized, job.StatusRequests)
		}
		assertSameRaster(t, job.Image, want)
	}
}

// waitJobs waits for the fake printer to have cut n receipts: the client may return as soon
// as its last bytes are written, before the server goroutine has parsed them.
func waitJobs(t *testing.T, fake *escpostest.Printer, n int) []escpostest.Job {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(fake.Jobs()) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	jobs := fake.Jobs()
	if len(jobs) != n {
		t.Fatalf("printer cut %d receipts, want %d (errors %v)", len(jobs), n, fake.Errors())
	}
	return jobs
}

func assertSameRaster(t *testing.T, got, want *image.Gray) {
	t.Helper()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("printed raster %v, rendered %v", got.Bounds(), want.Bounds())
	}
	diff := 0
	for i := range want.Pix {
		if (got.Pix[i] < 128) != (want.Pix[i] < 128) {
			diff++
		}
	}
	if diff != 0 {
		t.Fatalf("printed raster differs from the rendered slip in %d of %d dots", diff, len(want.Pix))
	}
}

func TestESCPOSPaperOutFailsBeforePrinting(t *testing.T) {
	fake := escpostest.New()
	fake.SetPaperOut(true)
	p := &ESCPOS{Addr: fake.Listen(t), Timeout: 10 * time.Second}
	err := p.Print(context.Background(), sampleReceipt())
	if !errors.Is(err, ErrPaperOut) {
		t.Fatalf("err = %v, want ErrPaperOut", err)
	}
	if !strings.Contains(err.Error(), "paper end") || !strings.Contains(err.Error(), p.Addr) {
		t.Errorf("operator error %q should name the printer and the paper end", err)
	}
	if n := len(fake.Jobs()); n != 0 {
		t.Fatalf("%d receipts printed on an empty roll", n)
	}
	if msg := assets.Messages("en").Error(err); !strings.Contains(msg, "out of paper") || !strings.Contains(msg, "received") {
		t.Errorf("resident's message %q", msg)
	}

	// The operator refills the roll: the reprint goes through.
	fake.SetPaperOut(false)
	if err := p.Print(context.Background(), sampleReceipt()); err != nil {
		t.Fatalf("reprint after refill: %v", err)
	}
	waitJobs(t, fake, 1)
}

func TestESCPOSPaperRunsOutDuringTheJob(t *testing.T) {
	fake := escpostest.New()
	fake.SetPaperLeft(300) // dot rows: the slip is far longer
	p := &ESCPOS{Addr: fake.Listen(t), Timeout: 10 * time.Second}
	err := p.Print(context.Background(), sampleReceipt())
	if !errors.Is(err, ErrPaperOut) || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("err = %v, want ErrPaperOut saying the slip may be incomplete", err)
	}
}

func TestESCPOSUnreachable(t *testing.T) {
	// A port nobody listens on: take one and release it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &ESCPOS{Addr: addr, Timeout: 5 * time.Second}
	if err := p.Print(context.Background(), sampleReceipt()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	// A missing device file.
	d := &ESCPOS{Device: "/dev/null-printer-does-not-exist", Timeout: 5 * time.Second}
	if err := d.Print(context.Background(), sampleReceipt()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("missing device: err = %v, want ErrUnavailable", err)
	}
}

func TestESCPOSSilentPrinterTimesOut(t *testing.T) {
	fake := escpostest.New()
	fake.SetSilent(true)
	p := &ESCPOS{Addr: fake.Listen(t), Timeout: 500 * time.Millisecond}
	start := time.Now()
	err := p.Print(context.Background(), sampleReceipt())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("gave up after %v, limit was 500ms", d)
	}
}

// The same printer behind a device file: a pseudo-terminal in raw mode stands in for
// /dev/usb/lp0 (both are character devices a printer answers through).
func TestESCPOSDeviceFile(t *testing.T) {
	master, slavePath := openPTY(t)
	fake := escpostest.New()
	done := make(chan error, 1)
	go func() { done <- fake.Serve(master) }()
	t.Cleanup(func() { master.Close(); <-done })

	p, err := OpenPrinter("escpos:"+slavePath+"?width=58mm", Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r := sampleReceipt()
	if err := p.Print(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	want, _ := RenderRaster(r, Width58mm)
	assertSameRaster(t, waitJobs(t, fake, 1)[0].Image, want)

	fake.SetPaperOut(true)
	if err := p.Print(context.Background(), r); !errors.Is(err, ErrPaperOut) {
		t.Fatalf("paper out through the device: err = %v", err)
	}
}

func openPTY(t *testing.T) (*os.File, string) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		testsupport.Missing(t, "pseudo-terminals (/dev/ptmx): %v", err)
	}
	// Through SyscallConn, not Fd: Fd would make the files blocking, and Close could then not
	// interrupt the fake printer's read.
	var n int
	err = control(master, func(fd int) error {
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return err
		}
		var err error
		n, err = unix.IoctlGetInt(fd, unix.TIOCGPTN)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/dev/pts/" + strconv.Itoa(n)
	// Raw mode, held by an open slave for the whole test: no echo, no newline translation.
	slave, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	err = control(slave, func(fd int) error {
		tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			return err
		}
		tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		tio.Oflag &^= unix.OPOST
		tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		tio.Cflag &^= unix.CSIZE | unix.PARENB
		tio.Cflag |= unix.CS8
		tio.Cc[unix.VMIN], tio.Cc[unix.VTIME] = 1, 0
		return unix.IoctlSetTermios(fd, unix.TCSETS, tio)
	})
	if err != nil {
		t.Fatal(err)
	}
	return master, path
}

func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}
