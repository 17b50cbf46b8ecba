package slip

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/idbooth/idbooth/slip/cupstest"
	"github.com/idbooth/idbooth/slip/escpostest"
)

func BenchmarkRenderPDFA6(b *testing.B) {
	r := sampleReceipt()
	for b.Loop() {
		if _, err := RenderPDF(r, PaperA6); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderRaster80mm(b *testing.B) {
	r := sampleReceipt()
	for b.Loop() {
		if _, err := RenderRaster(r, Width80mm); err != nil {
			b.Fatal(err)
		}
	}
}

// The other scripts' slips, with the largest fonts: Droid Sans Fallback (Chinese) and
// NanumGothic (Korean) beside IPAex Gothic.
func BenchmarkRenderLanguages(b *testing.B) {
	for _, lang := range []string{"zh-hans", "ko", "vi"} {
		r := sampleReceipt()
		r.Lang = lang
		b.Run("PDFA6/"+lang, func(b *testing.B) {
			for b.Loop() {
				if _, err := RenderPDF(r, PaperA6); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Raster80mm/"+lang, func(b *testing.B) {
			for b.Loop() {
				if _, err := RenderRaster(r, Width80mm); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeESCPOS80mm(b *testing.B) {
	img, err := RenderRaster(sampleReceipt(), Width80mm)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		EncodeESCPOS(img)
	}
}

func BenchmarkPhotoSheetPDF(b *testing.B) {
	photo := testPhoto(826, 1062)
	for b.Loop() {
		if _, err := PhotoSheetPDF(photo); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrintESCPOSOverTCP is a whole slip, rendered and sent to the loopback fake printer.
func BenchmarkPrintESCPOSOverTCP(b *testing.B) {
	fake := escpostest.New()
	p := &ESCPOS{Addr: fake.Listen(b), Timeout: 10 * time.Second}
	r := sampleReceipt()
	for b.Loop() {
		if err := p.Print(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}

// waitGoroutines waits for the goroutine count to come back to at most n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > n {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines, were %d before the prints:\n%s", got, n, buf[:runtime.Stack(buf, true)])
	}
}

func TestPrintsLeaveNoGoroutines(t *testing.T) {
	fake := escpostest.New()
	esc := &ESCPOS{Addr: fake.Listen(t), Timeout: 10 * time.Second}
	s := cupstest.Start(t)
	s.AddPDFQueue(t, "Leak")
	cups := &CUPS{Queue: "Leak", Server: s.Socket, Timeout: 60 * time.Second}
	missing := &CUPS{Queue: "Missing", Server: s.Socket, Timeout: 10 * time.Second}
	before := runtime.NumGoroutine()
	for range 3 {
		if err := esc.Print(context.Background(), sampleReceipt()); err != nil {
			t.Fatal(err)
		}
		if err := cups.Print(context.Background(), sampleReceipt()); err != nil {
			t.Fatal(err)
		}
		if err := missing.Print(context.Background(), sampleReceipt()); err == nil {
			t.Fatal("printed on a missing queue")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := esc.Print(ctx, sampleReceipt()); err == nil {
		t.Fatal("printed with a cancelled context")
	}
	waitGoroutines(t, before)
}
