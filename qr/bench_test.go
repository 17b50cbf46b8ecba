package qr

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbooth/idbooth/internal/formgen"
	"gocv.io/x/gocv"
)

const benchPayload = "https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?applicationId=00707305390250374060955"

// formFrame is a 1280×720 BGR frame of a generated form held slightly tilted, QR modules ~4 px.
func formFrame(tb testing.TB) gocv.Mat {
	tb.Helper()
	page, err := formgen.Form(benchPayload, formgen.FormOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	ax, ay := page.QRCenter()
	m, err := formgen.FrameMat(page, formgen.FrameOptions{
		Scale: 4.0 / 6, AnchorX: ax, AnchorY: ay, CenterX: 0.55, CenterY: 0.5,
		Rotation: 12, TiltX: 10, TiltY: -8, Blur: 0.8, Noise: 4, JPEGQuality: 80, Seed: 1,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// paperFrame is a 1280×720 frame of a sheet of paper with lines and text but no QR code.
func paperFrame(tb testing.TB) gocv.Mat {
	tb.Helper()
	sheet := image.NewRGBA(image.Rect(0, 0, 1000, 1414))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.RGBA{250, 249, 244, 255}), image.Point{}, draw.Src)
	for y := 100; y < 1400; y += 60 {
		draw.Draw(sheet, image.Rect(60, y, 940, y+3), image.NewUniform(color.Black), image.Point{}, draw.Src)
	}
	m, err := formgen.FrameMat(sheet, formgen.FrameOptions{Rotation: 5, TiltX: 10, Blur: 0.8, Noise: 4, Seed: 2})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func BenchmarkDecode(b *testing.B) {
	r := NewReader()
	defer r.Close()
	ctx := context.Background()
	run := func(name string, m gocv.Mat, wantRead bool) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_, err := r.Decode(ctx, m)
				if (err == nil) != wantRead {
					b.Fatalf("read=%v: %v", err == nil, err)
				}
			}
		})
	}
	gen := formFrame(b)
	defer gen.Close()
	run("generated-form-1280x720", gen, true)
	paper := paperFrame(b)
	defer paper.Close()
	run("no-qr-1280x720", paper, false)
	dir := sharedTestdata(b, "formqr")
	for _, name := range []string{"frame004.jpg", "frame025.jpg", "frame012.jpg"} {
		m := loadImage(b, filepath.Join(dir, name))
		run("formqr-"+name, m, true)
		m.Close()
	}
}

func BenchmarkLive(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		frame func(testing.TB) gocv.Mat
	}{{"no-qr-1280x720", paperFrame}, {"generated-form-1280x720", formFrame}} {
		b.Run(c.name, func(b *testing.B) {
			m := c.frame(b)
			defer m.Close()
			l := NewLive()
			defer l.Close()
			var worst time.Duration
			for b.Loop() {
				t0 := time.Now()
				l.Scan(ctx, m)
				worst = max(worst, time.Since(t0))
			}
			// the slowest rescue turn bounds the preview's frame rate
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms/frame")
		})
	}
}
