package slip

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/slip/cupstest"
)

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// assertSlipText checks what a resident must find on a printed slip, and that the whole form
// ID cannot be there.
func assertSlipText(t *testing.T, text string, r Receipt) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{r.Number, r.MaskedFormID(), "個人番号カード交付申請 受付控", "今後の流れ",
		"カードの受け取りに持っていくもの", "暗証番号をあらかじめ決めておいてください", "Individual Number Card application"} {
		if !strings.Contains(flat, want) {
			t.Errorf("printed slip lacks %q; text:\n%s", want, text)
		}
	}
}

func TestCUPSPrintsSlipAsPDF(t *testing.T) {
	s := cupstest.Start(t)
	s.AddPDFQueue(t, "Slip_A6")
	p := &CUPS{Queue: "Slip_A6", Server: s.Socket, Timeout: 60 * time.Second}
	r := sampleReceipt()
	if err := p.Print(context.Background(), r); err != nil {
		t.Fatalf("%v\n%s", err, s.Log())
	}
	pdfs := s.PDFs(t)
	if len(pdfs) != 1 {
		t.Fatalf("cups-pdf wrote %d files, want 1: %v", len(pdfs), pdfs)
	}
	assertSlipText(t, pdfText(t, pdfs[0]), r)
	info, err := exec.Command("pdfinfo", pdfs[0]).Output()
	if err != nil {
		t.Fatal(err)
	}
	// A6 is 297.64 × 419.53 pt; cups-pdf rounds to whole points.
	if !strings.Contains(string(info), "Page size:       297 x 419 pts") && !strings.Contains(string(info), "Page size:       298 x 420 pts") {
		t.Errorf("printed page is not A6:\n%s", info)
	}
	// Nothing left in the queue.
	if out := s.Admin(t, "lpstat", "-o", "Slip_A6"); strings.TrimSpace(out) != "" {
		t.Errorf("jobs left in the queue: %s", out)
	}
}

// A paper-out stops the CUPS queue; the slip fails with a clear error and its job is cancelled;
// once the paper is back, the next print re-enables the stopped queue and prints.
func TestCUPSPaperOutThenReprint(t *testing.T) {
	s := cupstest.Start(t)
	s.AddPaperOutQueue(t, "Booth")
	p := &CUPS{Queue: "Booth", Server: s.Socket, Timeout: 60 * time.Second}
	r := sampleReceipt()
	err := p.Print(context.Background(), r)
	if !errors.Is(err, ErrPaperOut) {
		t.Fatalf("err = %v, want ErrPaperOut\n%s", err, s.Log())
	}
	for _, want := range []string{"Booth", "media-empty", "Out of paper"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("operator error %q lacks %q", err, want)
		}
	}
	if out := s.Admin(t, "lpstat", "-o", "Booth"); strings.TrimSpace(out) != "" {
		t.Errorf("the failed slip's job is still queued (it would print later): %s", out)
	}
	if out := s.Admin(t, "lpstat", "-p", "Booth"); !strings.Contains(out, "disabled") {
		t.Fatalf("CUPS did not stop the queue after paper-out: %s", out)
	}

	// Still out of paper: the stopped queue is re-enabled, fails again, and nothing stays queued.
	if err := p.Print(context.Background(), r); !errors.Is(err, ErrPaperOut) {
		t.Fatalf("second print without paper: err = %v", err)
	}
	if out := s.Admin(t, "lpstat", "-o", "Booth"); strings.TrimSpace(out) != "" {
		t.Errorf("jobs left: %s", out)
	}

	// The operator refills the paper; CUPS leaves the queue stopped.
	s.Admin(t, "lpadmin", "-p", "Booth", "-v", s.PDFDevice())
	r.Reprint = 1
	if err := p.Print(context.Background(), r); err != nil {
		t.Fatalf("reprint after refill: %v\n%s", err, s.Log())
	}
	if out := s.Admin(t, "lpstat", "-p", "Booth"); !strings.Contains(out, "enabled") {
		t.Errorf("queue not re-enabled: %s", out)
	}
	pdfs := s.PDFs(t)
	if len(pdfs) != 1 {
		t.Fatalf("%d PDFs after the reprint, want 1", len(pdfs))
	}
	text := pdfText(t, pdfs[0])
	assertSlipText(t, text, r)
	if !strings.Contains(text, "再発行") {
		t.Errorf("reprint is not marked as such:\n%s", text)
	}
}

func TestCUPSRejectingQueueIsRecovered(t *testing.T) {
	s := cupstest.Start(t)
	s.AddPDFQueue(t, "Counter")
	s.Admin(t, "cupsreject", "Counter")
	s.Admin(t, "cupsdisable", "Counter")
	p := &CUPS{Queue: "Counter", Server: s.Socket, Timeout: 60 * time.Second}
	if err := p.Print(context.Background(), sampleReceipt()); err != nil {
		t.Fatalf("%v\n%s", err, s.Log())
	}
	if n := len(s.PDFs(t)); n != 1 {
		t.Fatalf("%d PDFs, want 1", n)
	}

	// With recovery off, the operator gets the queue's state instead.
	s.Admin(t, "cupsreject", "Counter")
	p.NoRecover = true
	err := p.Print(context.Background(), sampleReceipt())
	if !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "rejecting jobs") {
		t.Fatalf("err = %v, want ErrNotReady naming the rejecting queue", err)
	}
}

func TestCUPSMissingPrinterAndStoppedCUPS(t *testing.T) {
	s := cupstest.Start(t)
	p := &CUPS{Queue: "NoSuchPrinter", Server: s.Socket, Timeout: 10 * time.Second}
	err := p.Print(context.Background(), sampleReceipt())
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "NoSuchPrinter") {
		t.Fatalf("missing queue: err = %v, want ErrNotFound naming it", err)
	}

	s.Stop()
	start := time.Now()
	err = p.Print(context.Background(), sampleReceipt())
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "CUPS not reachable") {
		t.Fatalf("CUPS stopped: err = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to notice CUPS is not running", d)
	}
}

// A job that CUPS holds never completes: the print times out and the job is cancelled.
func TestCUPSTimeoutCancelsTheJob(t *testing.T) {
	s := cupstest.Start(t)
	s.AddPDFQueue(t, "Held")
	s.Admin(t, "lpadmin", "-p", "Held", "-o", "job-hold-until-default=indefinite")
	// The limit covers rendering and submitting too: long enough that a loaded machine still
	// reaches the held job before it runs out.
	p := &CUPS{Queue: "Held", Server: s.Socket, Timeout: 5 * time.Second}
	err := p.Print(context.Background(), sampleReceipt())
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "held") {
		t.Fatalf("err = %v, want ErrTimeout with the job held", err)
	}
	if out := s.Admin(t, "lpstat", "-o", "Held"); strings.TrimSpace(out) != "" {
		t.Errorf("the timed-out job is still queued: %s", out)
	}
	if n := len(s.PDFs(t)); n != 0 {
		t.Errorf("%d PDFs printed", n)
	}
}
