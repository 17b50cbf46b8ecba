package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/scanner"
	"github.com/idbooth/idbooth/capture/scanner/scannertest"
	"github.com/idbooth/idbooth/internal/testsupport"
)

// face is a CC0 portrait from ../shared/testdata (decoded: the PNM is made at test time).
func face(t *testing.T) image.Image {
	t.Helper()
	f, err := os.Open(filepath.Join(testsupport.SharedTestdata(t, "faces"), "f003.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func newScanner(t *testing.T, cfg scanner.Config) *scanner.Scanner {
	t.Helper()
	s, err := scanner.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A scan through the real scanimage returns the photo's pixels as a PNG.
func TestScanThroughPNMBackend(t *testing.T) {
	img := face(t)
	s := newScanner(t, scannertest.Config(t, img))
	start := time.Now()
	data, err := s.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scanned %d bytes in %v", len(data), time.Since(start))
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds().Size() != img.Bounds().Size() {
		t.Fatalf("scan is %v, photo %v", got.Bounds().Size(), img.Bounds().Size())
	}
	// The same pixels (the pnm backend applies no enhancement by default).
	b := img.Bounds()
	for _, p := range []image.Point{{b.Dx() / 2, b.Dy() / 3}, {10, 10}, {b.Dx() - 5, b.Dy() - 5}} {
		r1, g1, b1, _ := img.At(b.Min.X+p.X, b.Min.Y+p.Y).RGBA()
		r2, g2, b2, _ := got.At(p.X, p.Y).RGBA()
		if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 {
			t.Errorf("pixel %v: %v %v %v, scanned %v %v %v", p, r1>>8, g1>>8, b1>>8, r2>>8, g2>>8, b2>>8)
		}
	}
}

// Every failure comes back as its code, from the real scanimage (the pnm backend simulates
// SANE's statuses).
func TestScanFailures(t *testing.T) {
	img := face(t)
	small := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range small.Pix {
		small.Pix[i] = uint8(i * 7)
	}
	for _, tc := range []struct {
		name string
		cfg  scanner.Config
		want error
	}{
		{"jammed", scannertest.Config(t, small, "--status-jammed=yes"), scanner.ErrJammed},
		{"no document", scannertest.Config(t, small, "--status-nodocs=yes"), scanner.ErrNoDocument},
		{"cover open", scannertest.Config(t, small, "--status-coveropen=yes"), scanner.ErrCoverOpen},
		{"I/O error", scannertest.Config(t, small, "--status-ioerror=yes"), scanner.ErrFailed},
		{"no such device", scanner.Config{Device: "pnm:7", Env: scannertest.Env(t)}, scanner.ErrNoScanner},
		{"no backend", scanner.Config{Env: []string{"SANE_CONFIG_DIR=" + t.TempDir()}}, scanner.ErrNoScanner},
		{"not installed", scanner.Config{Command: "scanimage-not-installed"}, scanner.ErrNoScanner},
		{"unknown option", scannertest.Config(t, small, "--no-such-option=1"), scanner.ErrOption},
		{"too many pixels", scannertest.Config(t, image.NewGray(image.Rect(0, 0, 12001, 2))), scanner.ErrTooLarge},
		{"too large", func() scanner.Config { c := scannertest.Config(t, img); c.MaxBytes = 50_000; return c }(), scanner.ErrTooLarge},
		{"timeout", func() scanner.Config {
			c := scannertest.Config(t, img)
			c.Timeout = 50 * time.Millisecond
			return c
		}(), scanner.ErrTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScanner(t, tc.cfg)
			start := time.Now()
			data, err := s.Scan(context.Background())
			if !errors.Is(err, tc.want) || data != nil {
				t.Fatalf("%d bytes, %v; want %v", len(data), err, tc.want)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			t.Logf("%v", err)
		})
	}
}

// One scan at a time: a second Scan while one runs is ErrBusy at once; cancelling the context
// stops scanimage.
func TestScanBusyAndCancel(t *testing.T) {
	big := image.NewRGBA(image.Rect(0, 0, 1600, 1600))
	for i := range big.Pix {
		big.Pix[i] = uint8(i % 251)
	}
	s := newScanner(t, scannertest.Config(t, big))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var first error
	wg.Add(1)
	go func() {
		defer wg.Done()
		// The probes below hold the scanner for an instant: begin again if one was in the way.
		for _, first = s.Scan(ctx); errors.Is(first, scanner.ErrBusy); _, first = s.Scan(ctx) {
		}
	}()
	// A second scan is refused as busy once the first has begun. Asked with a context already
	// done, a second scan that found the scanner free returns at once instead of scanning, so
	// this waits for the first however loaded the machine is.
	done, stop := context.WithCancel(context.Background())
	stop()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, err := s.Scan(done)
		if errors.Is(err, scanner.ErrBusy) {
			break
		}
		if !errors.Is(err, context.Canceled) || time.Now().After(deadline) {
			t.Fatalf("second scan: %v, want ErrBusy", err)
		}
	}
	cancel()
	wg.Wait()
	if !errors.Is(first, context.Canceled) {
		t.Errorf("cancelled scan: %v", first)
	}
	// Free again afterwards: a scan with a context already done is refused for that, not busy.
	if _, err := s.Scan(done); !errors.Is(err, context.Canceled) {
		t.Errorf("after the cancelled scan: %v", err)
	}
}

func TestOptionsRefused(t *testing.T) {
	for _, o := range []string{"-o", "-o/tmp/x", "--output-file=/tmp/x", "--out=/tmp/x", "--batch", "--batch=p%d.png",
		"-b", "--format=tiff", "--device-name=net:1", "--dev=x", "-d", "-dx", "-L", "--help", "--test", "-T", "-n"} {
		if _, err := scanner.New(scanner.Config{Options: []string{o}}); !errors.Is(err, scanner.ErrOption) {
			t.Errorf("%q: %v, want ErrOption", o, err)
		}
	}
	for _, o := range []string{"--resolution=600", "--mode=Color", "-x", "60", "-l", "0", "--brightness=-5", "-5", "--filename=a.pnm"} {
		if _, err := scanner.New(scanner.Config{Options: []string{o}}); err != nil {
			t.Errorf("%q refused: %v", o, err)
		}
	}
	if !strings.Contains(scanner.ErrNoScanner.Error(), "no scanner") {
		t.Error(scanner.ErrNoScanner)
	}
}

// Every error names a message the counter has in Japanese and English.
func TestMessages(t *testing.T) {
	for _, k := range []*booth.Kind{scanner.ErrNoScanner, scanner.ErrBusy, scanner.ErrTimeout, scanner.ErrCoverOpen,
		scanner.ErrJammed, scanner.ErrNoDocument, scanner.ErrTooLarge, scanner.ErrNotAnImage, scanner.ErrFailed, scanner.ErrOption} {
		for _, lang := range []string{"ja", "en"} {
			if c := assets.Messages(lang); !c.Has(k.MessageKey()) {
				t.Errorf("%s lacks %s (%v)", lang, k.MessageKey(), k)
			}
		}
	}
}
