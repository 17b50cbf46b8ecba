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
func formFrame(tb testing.TB) gocv.Mat { return heldForm(tb, nil) }

// heldForm frames the generated form as formFrame does, after edit (if any) has drawn on it.
func heldForm(tb testing.TB, edit func(*formgen.Page)) gocv.Mat {
	tb.Helper()
	page, err := formgen.Form(benchPayload, formgen.FormOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	if edit != nil {
		edit(page)
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

// blankedFrame is formFrame with a band of the code painted over: the code is located, fitted
// and followed on every frame, and never read — the live reader's most expensive steady state.
func blankedFrame(tb testing.TB) gocv.Mat {
	return heldForm(tb, func(page *formgen.Page) {
		q := page.QR
		band := image.Rect(q.Min.X+q.Dx()*9/20, q.Min.Y+q.Dy()/4, q.Min.X+q.Dx()*17/20, q.Max.Y)
		draw.Draw(page.RGBA, band, image.NewUniform(color.RGBA{250, 249, 244, 255}), image.Point{}, draw.Src)
	})
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
	for _, name := range []string{"frame004.jpg", "frame025.jpg", "frame012.jpg", "frame046.jpg"} {
		m := loadImage(b, filepath.Join(dir, name))
		run("formqr-"+name, m, true)
		m.Close()
	}
	// hard frames that only the module reader reads: the first of each kind
	seen := map[string]bool{}
	for _, c := range hardFrames(b) {
		if k := kindOf(c.name); !seen[k] {
			m := c.frame(b)
			if _, a, err := r.decodePlan(ctx, m, fullPlan); err == nil && (a.method == located || a.method == around) {
				seen[k] = true
				run("hard-"+k, m, true)
			}
			m.Close()
		}
	}
}

// BenchmarkLive times the live reader frame by frame, as the kiosk calls it: ns/op is the
// mean wall time; worst-ms/frame the slowest frame's wall time (the preview's frame rate
// hangs on it); cpu-ms/frame and worst-cpu-ms/frame the same in CPU time, what the frame
// costs on a core of its own whatever else the machine runs. Run with -cpu 1.
func BenchmarkLive(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		frame func(testing.TB) gocv.Mat
	}{{"no-qr-1280x720", paperFrame}, {"generated-form-1280x720", formFrame}, {"unreadable-code-1280x720", blankedFrame}} {
		b.Run(c.name, func(b *testing.B) {
			m := c.frame(b)
			defer m.Close()
			l := NewLive()
			defer l.Close()
			var worst, worstCPU, cpu time.Duration
			n := 0
			for b.Loop() {
				t0, c0 := time.Now(), cpuClock()
				l.Scan(ctx, m)
				d, dc := time.Since(t0), cpuClock()-c0
				worst, worstCPU, cpu, n = max(worst, d), max(worstCPU, dc), cpu+dc, n+1
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms/frame")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/frame")
			b.ReportMetric(float64(worstCPU.Microseconds())/1000, "worst-cpu-ms/frame")
		})
	}
}
