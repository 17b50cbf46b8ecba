package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/slip/cupstest"
	"github.com/idbooth/idbooth/slip/escpostest"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// enqueueForSlip queues one application (English-speaking resident) and returns it.
func enqueueForSlip(t *testing.T, e *queueTestEnv) *booth.Application {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a := storagetest.Application(7, storagetest.Photo(480, 617, 60, 7))
	a.Lang = "en"
	if err := store.Enqueue(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func slipState(t *testing.T, e *queueTestEnv, uuid string) (storage.Slip, storage.Stats) {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: e.db, KeyFile: e.key, MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	info, err := store.SlipInfo(ctx, uuid)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.Slip, st
}

func pdfToText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// assertNoPersonalData: neither the whole form ID nor the birth date, anywhere.
func assertNoPersonalData(t *testing.T, what, s string, a *booth.Application) {
	t.Helper()
	flat := strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "-", "")
	if strings.Contains(flat, string(a.FormID)) || strings.Contains(flat, string(a.FormID[:19])) || strings.Contains(s, a.BirthDate.String()) ||
		strings.Contains(flat, strings.ReplaceAll(a.BirthDate.String(), "-", "")) {
		t.Errorf("%s holds personal data: %s", what, s)
	}
}

func TestSlipToPDFFile(t *testing.T) {
	e := newQueueTestEnv(t)
	a := enqueueForSlip(t, e)
	out := filepath.Join(e.dir, "slip.pdf")
	code, stdout, stderr := e.idbooth(t, "slip", "--application", a.UUID, "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	res := jsonLines(t, stdout)[0]
	if res["ok"] != true || res["receipt"] != a.Receipt || res["output"] != out || res["document"] != "slip" {
		t.Fatalf("result %v", res)
	}
	text := pdfToText(t, out)
	for _, want := range []string{a.Receipt, a.FormID.Mask(), "個人番号カード交付申請 受付控", "What happens next"} {
		if !strings.Contains(text, want) {
			t.Errorf("slip lacks %q:\n%s", want, text)
		}
	}
	assertNoPersonalData(t, "slip", text, a)
	assertNoPersonalData(t, "log", stderr, a)
	// Writing a file is not giving the resident a slip.
	if s, _ := slipState(t, e, a.UUID); s.State != storage.SlipNotPrinted {
		t.Errorf("slip state %q after --out", s.State)
	}
}

// CUPS out of paper, then refilled; a reprint; then CUPS stopped: the application stays queued
// throughout, and the slip state follows each print.
func TestSlipPrintFailuresAndReprintThroughCUPS(t *testing.T) {
	s := cupstest.Start(t)
	s.AddPaperOutQueue(t, "Booth")
	e := newQueueTestEnv(t)
	a := enqueueForSlip(t, e)
	print := func() (int, map[string]any, string) {
		code, stdout, stderr := e.idbooth(t, "slip", "--application", a.UUID, "--printer", "Booth", "--cups-server", s.Socket, "--lang", "en")
		lines := jsonLines(t, stdout)
		if len(lines) != 1 {
			t.Fatalf("exit %d, output %q %s", code, stdout, stderr)
		}
		assertNoPersonalData(t, "log", stderr, a)
		return code, lines[0], stderr
	}

	code, res, _ := print()
	if code != exitFailed || res["ok"] != false || !strings.Contains(res["error"].(string), "out of paper") ||
		res["message"] != assets.Messages("en").Error(slip.ErrPaperOut) || res["slip_state"] != string(storage.SlipFailed) {
		t.Fatalf("paper out: exit %d %v", code, res)
	}
	st, stats := slipState(t, e, a.UUID)
	if st.State != storage.SlipFailed || !strings.Contains(st.LastError, "media-empty") || stats.Pending != 1 {
		t.Fatalf("after paper-out: slip %+v, queue %+v", st, stats)
	}

	s.Admin(t, "lpadmin", "-p", "Booth", "-v", s.PDFDevice()) // paper refilled; the queue is still stopped
	code, res, _ = print()
	if code != exitOK || res["reprint"] != 0.0 || res["slip_state"] != string(storage.SlipPrinted) {
		t.Fatalf("after refill: exit %d %v\n%s", code, res, s.Log())
	}
	code, res, stderr := print()
	if code != exitOK || res["reprint"] != 1.0 {
		t.Fatalf("reprint: exit %d %v", code, res)
	}
	if !strings.Contains(stderr, "slip printed") || !strings.Contains(stderr, "reprint=1") || !strings.Contains(stderr, a.UUID) {
		t.Errorf("reprint not logged: %s", stderr)
	}
	pdfs := s.PDFs(t)
	if len(pdfs) != 2 {
		t.Fatalf("%d PDFs, want the print and the reprint", len(pdfs))
	}
	if text := pdfToText(t, pdfs[1]); !strings.Contains(text, "再発行") || !strings.Contains(text, a.Receipt) {
		t.Errorf("reprint:\n%s", text)
	}
	st, _ = slipState(t, e, a.UUID)
	if st.State != storage.SlipPrinted || st.Reprints != 1 || st.PrintedAt.IsZero() {
		t.Fatalf("after reprint: %+v", st)
	}

	// A queue that does not exist: the operator is told, the slip is marked failed.
	code, stdout, _ := e.idbooth(t, "slip", "--application", a.UUID, "--printer", "NoSuchQueue", "--cups-server", s.Socket)
	if res := jsonLines(t, stdout)[0]; code != exitFailed || !strings.Contains(res["error"].(string), "no such printer") ||
		res["slip_state"] != string(storage.SlipFailed) {
		t.Fatalf("missing queue: exit %d %v", code, res)
	}

	s.Stop()
	code, res, _ = print()
	if code != exitFailed || !strings.Contains(res["error"].(string), "CUPS not reachable") {
		t.Fatalf("CUPS stopped: exit %d %v", code, res)
	}
	st, stats = slipState(t, e, a.UUID)
	if st.State != storage.SlipFailed || st.PrintedAt.IsZero() || stats.Pending != 1 {
		t.Fatalf("after CUPS stopped: slip %+v, queue %+v", st, stats)
	}
}

func TestSlipOnESCPOSAndPhotoSheet(t *testing.T) {
	e := newQueueTestEnv(t)
	a := enqueueForSlip(t, e)
	fake := escpostest.New()
	addr := fake.Listen(t)
	code, stdout, stderr := e.idbooth(t, "slip", "--application", a.UUID, "--printer", "escpos://"+addr+"?width=58mm")
	if code != exitOK {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	if s, _ := slipState(t, e, a.UUID); s.State != storage.SlipPrinted {
		t.Errorf("slip state %q", s.State)
	}

	// The photo sheet needs CUPS or a file; into a file it is one L-size page.
	if code, _, stderr := e.idbooth(t, "slip", "--application", a.UUID, "--printer", "escpos://"+addr, "--photo-sheet"); code != exitUsage || !strings.Contains(stderr, "photo sheet") {
		t.Errorf("photo sheet on a receipt printer: exit %d %s", code, stderr)
	}
	out := filepath.Join(e.dir, "sheet.pdf")
	code, stdout, stderr = e.idbooth(t, "slip", "--application", a.UUID, "--out", out, "--photo-sheet")
	if code != exitOK || jsonLines(t, stdout)[0]["document"] != "photo_sheet" {
		t.Fatalf("photo sheet: exit %d %s %s", code, stdout, stderr)
	}
	info, err := exec.Command("pdfinfo", out).Output()
	if err != nil || !strings.Contains(string(info), "252.28 x 360 pts") {
		t.Errorf("photo sheet page: %v\n%s", err, info)
	}
}

func TestSlipUsage(t *testing.T) {
	e := newQueueTestEnv(t)
	a := enqueueForSlip(t, e)
	for name, args := range map[string][]string{
		"no application":          {"slip", "--out", "x.pdf"},
		"neither out nor printer": {"slip", "--application", a.UUID},
		"both":                    {"slip", "--application", a.UUID, "--out", "x.pdf", "--printer", "P"},
		"unknown application":     {"slip", "--application", "00000000-0000-4000-8000-000000000000", "--out", filepath.Join(e.dir, "x.pdf")},
		"bad paper":               {"slip", "--application", a.UUID, "--out", "x.pdf", "--paper", "b5"},
		"bad printer":             {"slip", "--application", a.UUID, "--printer", "ftp://x"},
	} {
		if code, stdout, stderr := e.idbooth(t, args...); code != exitUsage || stdout != "" {
			t.Errorf("%s: exit %d %q %q", name, code, stdout, stderr)
		}
	}
}
