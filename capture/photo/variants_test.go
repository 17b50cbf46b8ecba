package photo_test

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"github.com/idbooth/idbooth/capture/photo"
	"gocv.io/x/gocv"
)

// transform returns frame moved as a camera would see it: scaled by zoom about the point
// (cx,cy), rotated by deg, and that point then placed at (tx,ty). Edges repeat outwards, which
// on these plain-background frames continues the wall.
func transform(frame gocv.Mat, zoom, deg, cx, cy, tx, ty float64) gocv.Mat {
	r := deg * math.Pi / 180
	a, b := zoom*math.Cos(r), zoom*math.Sin(r)
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer m.Close()
	m.SetDoubleAt(0, 0, a)
	m.SetDoubleAt(0, 1, b)
	m.SetDoubleAt(0, 2, tx-a*cx-b*cy)
	m.SetDoubleAt(1, 0, -b)
	m.SetDoubleAt(1, 1, a)
	m.SetDoubleAt(1, 2, ty+b*cx-a*cy)
	out := gocv.NewMat()
	gocv.WarpAffineWithParams(frame, &out, m, image.Pt(frame.Cols(), frame.Rows()), gocv.InterpolationArea, gocv.BorderReplicate, color.RGBA{})
	return out
}

// Geometry and capture measures on variants of accepted camera frames: moved, scaled,
// rotated, blurred, under- and over-exposed as a booth camera would see them. The head
// positions come from the source labels (crown, chin, centre).
func TestSyntheticVariants(t *testing.T) {
	type source struct {
		file              string
		crown, chin, face float64 // from labels.tsv
	}
	sources := []source{{"f021.jpg", 216.8, 810.8, 960}, {"f074.jpg", 269.5, 863.5, 960}}
	c := newChecker(t, photo.Options{})
	for _, src := range sources {
		frame := loadFrame(t, src.file, 1920, 1080)
		head := src.chin - src.crown
		mid := (src.crown + src.chin) / 2
		cases := []struct {
			name string
			make func() gocv.Mat
			want []photo.Code // nil: accepted; else the first problem must be one of these
		}{
			{"moved left, crop still fits", func() gocv.Mat { return transform(frame, 1, 0, src.face, mid, 700, mid) }, nil},
			{"rotated 3°", func() gocv.Mat { return transform(frame, 1, 3, src.face, mid, src.face, mid) }, nil},
			{"smaller, head 40% of the height", func() gocv.Mat {
				return transform(frame, 0.4*1080/head, 0, src.face, mid, 960, 560)
			}, nil},
			{"rotated 14°", func() gocv.Mat { return transform(frame, 1, 14, src.face, mid, src.face, mid) }, []photo.Code{photo.HeadTilted}},
			{"rotated -14°", func() gocv.Mat { return transform(frame, 1, -14, src.face, mid, src.face, mid) }, []photo.Code{photo.HeadTilted}},
			{"far away, head 15% of the height", func() gocv.Mat {
				return transform(frame, 0.15*1080/head, 0, src.face, mid, 960, 700)
			}, []photo.Code{photo.FaceTooSmall}},
			{"too close, head 92% of the height", func() gocv.Mat {
				return transform(frame, 0.92*1080/head, 0, src.face, mid, 960, 540)
			}, []photo.Code{photo.FaceTooLarge, photo.FaceCutOff}},
			{"at the left edge", func() gocv.Mat { return transform(frame, 1, 0, src.face, mid, 150, mid) }, []photo.Code{photo.FaceOffCenter, photo.FaceCutOff}},
			{"at the right edge", func() gocv.Mat { return transform(frame, 1, 0, src.face, mid, 1790, mid) }, []photo.Code{photo.FaceOffCenter, photo.FaceCutOff}},
			{"hair above the top edge", func() gocv.Mat {
				return transform(frame, 1, 0, src.face, src.crown, src.face, -25)
			}, []photo.Code{photo.FaceCutOff}},
			{"chin at the bottom edge", func() gocv.Mat {
				return transform(frame, 1, 0, src.face, src.chin, src.face, 1075)
			}, []photo.Code{photo.FaceCutOff}},
			{"blurred", func() gocv.Mat {
				out := gocv.NewMat()
				gocv.GaussianBlur(frame, &out, image.Pt(0, 0), 7, 7, gocv.BorderReflect101)
				return out
			}, []photo.Code{photo.Blurry}},
			{"underexposed", func() gocv.Mat { return gamma(frame, 0.07) }, []photo.Code{photo.TooDark}},
			{"overexposed", func() gocv.Mat { return gamma(frame, 3.2) }, []photo.Code{photo.TooBright}},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/%s", src.file, tc.name), func(t *testing.T) { checkVariant(t, c, tc.make, tc.want) })
		}
		frame.Close()
	}
}

// checkVariant checks the frame that make returns (and closes it): accepted when want is nil,
// else refused with one of want as the first problem.
func checkVariant(t *testing.T, c *photo.Checker, make func() gocv.Mat, want []photo.Code) {
	t.Helper()
	img := make()
	defer img.Close()
	r, err := c.CheckStill(img)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case want == nil && !r.OK:
		t.Errorf("refused: %v (%s)", r.Codes(), r.Problems[0].Detail)
	case want != nil && r.OK:
		t.Errorf("accepted, want %v", want)
	case want != nil && !slices.Contains(want, r.Problems[0].Code):
		t.Errorf("first problem %s (%s), want one of %v", r.Problems[0].Code, r.Problems[0].Detail, want)
	}
}

// gamma scales the frame's linear light by k (sRGB decoded and re-encoded), clipping.
func gamma(frame gocv.Mat, k float64) gocv.Mat {
	lut := gocv.NewMatWithSize(1, 256, gocv.MatTypeCV8U)
	defer lut.Close()
	for i := 0; i < 256; i++ {
		c := float64(i) / 255
		lin := math.Pow((c+0.055)/1.055, 2.4)
		if c <= 0.04045 {
			lin = c / 12.92
		}
		lin = math.Min(1, lin*k)
		v := 1.055*math.Pow(lin, 1/2.4) - 0.055
		if lin <= 0.0031308 {
			v = 12.92 * lin
		}
		lut.SetUCharAt(0, i, uint8(math.Round(255*v)))
	}
	out := gocv.NewMat()
	gocv.LUT(frame, lut, &out)
	return out
}
