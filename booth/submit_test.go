package booth_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/slip/escpostest"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

func slipState(t *testing.T, q *storage.Store, uuid string) storage.Slip {
	t.Helper()
	e, err := q.Entry(context.Background(), uuid)
	if err != nil {
		t.Fatal(err)
	}
	return e.Slip
}

var goodPhoto = storagetest.Photo(600, 800, 0, 1)

// The kiosk's and `idbooth submit`'s path: queued durably, the sync woken, the slip printed
// (a real PDF) and recorded as printed.
func TestSubmitQueuesThenPrints(t *testing.T) {
	q := storagetest.Open(t)
	pdf := filepath.Join(t.TempDir(), "slip.pdf")
	woken := 0
	s := &booth.Submitter{Queue: q, Printer: &slip.Booth{Printer: &slip.PDFFile{Path: pdf}}, Wake: func() { woken++ }}
	done, err := s.Submit(context.Background(), storagetest.Application(1, goodPhoto))
	if err != nil {
		t.Fatal(err)
	}
	a := done.Application
	if !booth.ValidUUID(a.UUID) || a.Receipt == "" || !done.SlipPrinted || done.SlipErr != nil || woken != 1 {
		t.Fatalf("submitted %+v, woken %d", done, woken)
	}
	if st := slipState(t, q, a.UUID); st.State != storage.SlipPrinted || st.PrintedAt.IsZero() {
		t.Fatalf("slip state %+v", st)
	}
	if fi, err := os.Stat(pdf); err != nil || fi.Size() < 1000 {
		t.Fatalf("slip PDF: %v %v", fi, err)
	}
	got, err := q.Get(context.Background(), a.UUID)
	if err != nil || got.FormID != a.FormID || got.BirthDate != a.BirthDate {
		t.Fatalf("queued %+v %v", got, err)
	}
}

// A printer out of paper (a real ESC/POS conversation) never loses the application: it is
// queued, the resident is told, and the queue shows the slip failed so staff can reprint.
func TestSubmitPrinterFailureKeepsTheApplication(t *testing.T) {
	q := storagetest.Open(t)
	fake := escpostest.New()
	fake.SetPaperOut(true)
	p, err := slip.OpenPrinter("escpos://"+fake.Listen(t), slip.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := &booth.Submitter{Queue: q, Printer: &slip.Booth{Printer: p}}
	done, err := s.Submit(context.Background(), storagetest.Application(2, goodPhoto))
	if err != nil {
		t.Fatalf("the application was not queued: %v", err)
	}
	if done.SlipPrinted || !errors.Is(done.SlipErr, slip.ErrPaperOut) || booth.MessageKey(done.SlipErr) != "slip.error.paper_out" {
		t.Fatalf("slip outcome %v %v", done.SlipPrinted, done.SlipErr)
	}
	if st := slipState(t, q, done.Application.UUID); st.State != storage.SlipFailed || st.LastError == "" {
		t.Fatalf("slip state %+v", st)
	}
	// Staff refill the paper and reprint from the queue's clear fields.
	fake.SetPaperOut(false)
	info, err := q.SlipInfo(context.Background(), done.Application.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PrintSlip(context.Background(), info.Receipt); err != nil {
		t.Fatal(err)
	}
	if st := slipState(t, q, done.Application.UUID); st.State != storage.SlipPrinted || len(fake.Jobs()) != 1 {
		t.Fatalf("after the reprint: %+v, %d jobs", st, len(fake.Jobs()))
	}
}

// Nothing that breaks a rule is queued, and no slip is printed for it.
func TestSubmitRefusesAndQueuesNothing(t *testing.T) {
	q := storagetest.Open(t)
	pdf := filepath.Join(t.TempDir(), "slip.pdf")
	s := &booth.Submitter{Queue: q, Printer: &slip.Booth{Printer: &slip.PDFFile{Path: pdf}},
		Now: func() time.Time { return time.Date(2026, 11, 29, 10, 0, 0, 0, booth.JST) }}
	cases := map[string]struct {
		mutate func(*booth.Application)
		want   booth.Code
	}{
		"future birth":     {func(a *booth.Application) { a.BirthDate = booth.Date{Year: 2026, Month: 11, Day: 30} }, booth.BirthDateFuture},
		"22-digit ID":      {func(a *booth.Application) { a.FormID = a.FormID[1:] }, booth.FormIDInvalid},
		"flagged photo":    {func(a *booth.Application) { a.PhotoCheck = booth.PhotoCheck{Problems: []string{"blurry"}} }, booth.PhotoRejected},
		"small photo":      {func(a *booth.Application) { a.Photo = storagetest.Photo(480, 600, 0, 1) }, booth.PhotoSize},
		"booth mails card": {func(a *booth.Application) { a.CardMailed = true }, booth.CardMailedNotCounter},
		"no language":      {func(a *booth.Application) { a.Lang = "" }, booth.LangMissing},
	}
	for name, c := range cases {
		a := storagetest.Application(3, goodPhoto)
		c.mutate(a)
		if _, err := s.Submit(context.Background(), a); booth.CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %s", name, err, c.want)
		}
	}
	if st, _ := q.Stats(context.Background()); st.Pending != 0 {
		t.Fatalf("%d refused applications were queued", st.Pending)
	}
	if _, err := os.Stat(pdf); err == nil {
		t.Fatal("a slip was printed for a refused application")
	}
}
