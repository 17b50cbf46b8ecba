package slip

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/slip/cupstest"
	"github.com/idbooth/idbooth/slip/escpostest"
)

func TestCUPSReady(t *testing.T) {
	s := cupstest.Start(t)
	s.AddPDFQueue(t, "Slip_A6")
	p := &CUPS{Queue: "Slip_A6", Server: s.Socket, Timeout: 60 * time.Second}
	if d, err := p.Ready(context.Background()); err != nil || !strings.Contains(d, "idle") {
		t.Fatalf("ready queue: %q, %v", d, err)
	}
	s.Admin(t, "cupsdisable", "Slip_A6")
	if _, err := p.Ready(context.Background()); !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("stopped queue: %v, want ErrNotReady naming the state", err)
	}
	if n := len(s.PDFs(t)); n != 0 {
		t.Errorf("a readiness check printed %d pages", n)
	}

	// A printer that ran out of paper on the last slip.
	s.AddPaperOutQueue(t, "Booth")
	booth := &CUPS{Queue: "Booth", Server: s.Socket, Timeout: 60 * time.Second, NoRecover: true}
	booth.Print(context.Background(), sampleReceipt())
	if _, err := booth.Ready(context.Background()); !errors.Is(err, ErrPaperOut) {
		t.Errorf("after paper out: %v, want ErrPaperOut\n%s", err, s.Log())
	}
	missing := &CUPS{Queue: "Nope", Server: s.Socket}
	if _, err := missing.Ready(context.Background()); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing queue: %v, want ErrNotFound", err)
	}
}

func TestESCPOSReady(t *testing.T) {
	fake := escpostest.New()
	p := &ESCPOS{Addr: fake.Listen(t), Timeout: 10 * time.Second}
	if d, err := p.Ready(context.Background()); err != nil || d != "online, paper in" {
		t.Fatalf("ready printer: %q, %v", d, err)
	}
	fake.SetPaperOut(true)
	if _, err := p.Ready(context.Background()); !errors.Is(err, ErrPaperOut) {
		t.Errorf("paper out: %v", err)
	}
	if n := len(fake.Jobs()); n != 0 {
		t.Errorf("a readiness check printed %d receipts", n)
	}
	gone := &ESCPOS{Addr: "127.0.0.1:1"}
	if _, err := gone.Ready(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("unreachable: %v", err)
	}
}

func TestBoothFolderReady(t *testing.T) {
	dir := t.TempDir()
	b, err := OpenBooth("pdf:"+dir, DefaultStatusURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		// root writes anywhere: take the folder away instead of its permission.
		os.RemoveAll(dir)
	} else {
		os.Chmod(dir, 0o500)
		defer os.Chmod(dir, 0o700)
	}
	if _, err := b.Ready(context.Background()); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), filepath.Base(dir)) {
		t.Errorf("unwritable folder: %v", err)
	}
}
