package face_test

import (
	"image"
	"math"
	"math/rand"
	"testing"

	"github.com/idbooth/idbooth/capture/face"
	"gocv.io/x/gocv"
)

// Shrink gives the size asked for and what an area resize gives, within the rounding of its
// steps, for whole and fractional factors; and leaves out only the columns and rows beyond
// the multiples of its factor.
func TestShrinkMatchesAreaResize(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, c := range []struct{ from, to image.Point }{
		{image.Pt(1920, 1080), image.Pt(910, 512)},   // a detector's search image: ×2, then 1.06
		{image.Pt(1280, 720), image.Pt(910, 512)},    // under 2×: one area resize
		{image.Pt(1000, 1000), image.Pt(128, 128)},   // ×4, then 1.95
		{image.Pt(1001, 999), image.Pt(250, 249)},    // ×2 after trimming to 1000×998, then 2.0
		{image.Pt(640, 480), image.Pt(640/8, 480/8)}, // whole halvings only
	} {
		src := gocv.NewMatWithSize(c.from.Y, c.from.X, gocv.MatTypeCV8UC3)
		px, err := src.DataPtrUint8()
		if err != nil {
			t.Fatal(err)
		}
		// Smooth light with grain: what a camera gives.
		for y := 0; y < c.from.Y; y++ {
			for x := 0; x < c.from.X; x++ {
				for k := 0; k < 3; k++ {
					v := 128 + 80*math.Sin(float64(x)/37+float64(k))*math.Cos(float64(y)/23) + 6*rng.NormFloat64()
					px[3*(y*c.from.X+x)+k] = uint8(max(0, min(255, v)))
				}
			}
		}
		k := face.ShrinkFactor(c.from, c.to)
		trimmed := face.TrimTo(image.Rectangle{Max: c.from}, k)
		region := src.Region(trimmed)
		want, got, tmp := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
		gocv.Resize(region, &want, c.to, 0, 0, gocv.InterpolationArea)
		face.Shrink(src, &got, &tmp, c.to, gocv.InterpolationArea)
		if got.Cols() != c.to.X || got.Rows() != c.to.Y {
			t.Errorf("%v → %v: got %dx%d", c.from, c.to, got.Cols(), got.Rows())
		} else {
			diff := gocv.NewMat()
			gocv.AbsDiff(want, got, &diff)
			mean := diff.Mean()
			m := (mean.Val1 + mean.Val2 + mean.Val3) / 3
			if m > 1.5 {
				t.Errorf("%v → %v (factor %d): mean difference %.2f levels from an area resize", c.from, c.to, k, m)
			}
			diff.Close()
		}
		for _, m := range []gocv.Mat{region, want, got, tmp, src} {
			m.Close()
		}
	}
}

func TestShrinkFactorAndTrim(t *testing.T) {
	for _, c := range []struct {
		from, to image.Point
		k        int
	}{
		{image.Pt(1920, 1080), image.Pt(910, 512), 2},
		{image.Pt(1280, 720), image.Pt(910, 512), 1},
		{image.Pt(1000, 1000), image.Pt(128, 128), 4},
		{image.Pt(1024, 1024), image.Pt(128, 128), 8},
		{image.Pt(100, 100), image.Pt(0, 10), 1},
	} {
		if k := face.ShrinkFactor(c.from, c.to); k != c.k {
			t.Errorf("ShrinkFactor(%v, %v) = %d, want %d", c.from, c.to, k, c.k)
		}
	}
	if r := face.TrimTo(image.Rect(3, 5, 104, 206), 4); r != image.Rect(3, 5, 103, 205) {
		t.Errorf("TrimTo: %v", r)
	}
	if r := face.TrimTo(image.Rect(3, 5, 104, 206), 1); r != image.Rect(3, 5, 104, 206) {
		t.Errorf("TrimTo by 1 changed %v", r)
	}
}
