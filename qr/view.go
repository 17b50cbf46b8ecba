package qr

import (
	"image"
	"math"

	"gocv.io/x/gocv"
)

// A view is one preprocessed gray version of a frame.
type view int

const (
	viewFull         view = iota // the gray frame as is
	viewHalf                     // 0.5×: large modules (gozxing misses codes of ~15 px modules), and cheap
	viewThreeQuarter             // 0.75×: large modules, blur
	viewUp                       // upscaled: small codes (3× for small images, 2× for frames)
	viewMedian                   // 3×3 median: print speckle and sensor noise
	viewRectified                // the code as located by OpenCV, warped to an upright square
	numViews
)

func (v view) String() string {
	return [...]string{"full", "half", "3/4", "up", "median", "rectified"}[v]
}

// Limits of the scaled views: below minSide a code cannot fit; upscaling stops at maxUpPixels.
const (
	minSide     = 21
	maxUpPixels = 4_000_000
	maxRectSide = 1200
)

// frame holds the views of one gray frame, each built on first use and closed together.
type frame struct {
	gray  gocv.Mat
	det   *gocv.QRCodeDetector
	views [numViews]*gocv.Mat
	built [numViews]bool
	// where the code lies in the rectified view: [rectQ, rectQ+rectS) on both axes
	rectQ, rectS int
}

func newFrame(gray gocv.Mat, det *gocv.QRCodeDetector) *frame {
	return &frame{gray: gray, det: det}
}

func (f *frame) close() {
	for v, m := range f.views {
		if m != nil && view(v) != viewFull {
			m.Close()
		}
	}
}

// view returns view v, or nil when it does not apply to this frame.
func (f *frame) view(v view) *gocv.Mat {
	if f.built[v] {
		return f.views[v]
	}
	f.built[v] = true
	var out gocv.Mat
	ok := true
	switch v {
	case viewFull:
		f.views[v] = &f.gray
		return &f.gray
	case viewHalf:
		out, ok = f.scaled(0.5)
	case viewThreeQuarter:
		out, ok = f.scaled(0.75)
	case viewUp:
		s := 2.0
		if max(f.gray.Cols(), f.gray.Rows()) <= 640 {
			s = 3 // a small image is usually a tight crop of a small code
		}
		if float64(f.gray.Cols()*f.gray.Rows())*s*s > maxUpPixels {
			return nil
		}
		out, ok = f.scaled(s)
	case viewMedian:
		out = gocv.NewMat()
		gocv.MedianBlur(f.gray, &out, 3)
	case viewRectified:
		out, ok = f.rectify()
	}
	if !ok {
		return nil
	}
	f.views[v] = &out
	return &out
}

func (f *frame) scaled(s float64) (gocv.Mat, bool) {
	sz := image.Pt(int(math.Round(float64(f.gray.Cols())*s)), int(math.Round(float64(f.gray.Rows())*s)))
	if sz.X < minSide || sz.Y < minSide {
		return gocv.Mat{}, false
	}
	interp := gocv.InterpolationArea
	if s > 1 {
		interp = gocv.InterpolationLinear
	}
	out := gocv.NewMat()
	gocv.Resize(f.gray, &out, sz, 0, 0, interp)
	return out, true
}

// rectify asks OpenCV's detector (which can locate but, in Debian's build, not decode) for the
// code's four corners and warps that quadrangle to an upright square with a quiet zone of 1/8
// side: gozxing reads tilted codes far better that way, and grid sampling needs it.
func (f *frame) rectify() (gocv.Mat, bool) {
	pts := gocv.NewMat()
	defer pts.Close()
	if !f.det.Detect(f.gray, &pts) || pts.Total() < 4 || pts.Channels() != 2 {
		return gocv.Mat{}, false
	}
	src := make([]gocv.Point2f, 4)
	for i := range src {
		v := pts.GetVecfAt(0, i)
		src[i] = gocv.Point2f{X: v[0], Y: v[1]}
	}
	side := 0.0
	for i := range src {
		a, b := src[i], src[(i+1)%4]
		side = math.Max(side, math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y)))
	}
	if side < minSide {
		return gocv.Mat{}, false
	}
	side = math.Round(math.Min(side, maxRectSide))
	q := math.Round(side / 8)
	f.rectQ, f.rectS = int(q), int(side)
	lo, hi := float32(q), float32(q+side)
	dst := []gocv.Point2f{{X: lo, Y: lo}, {X: hi, Y: lo}, {X: hi, Y: hi}, {X: lo, Y: hi}}
	sv := gocv.NewPoint2fVectorFromPoints(src)
	defer sv.Close()
	dv := gocv.NewPoint2fVectorFromPoints(dst)
	defer dv.Close()
	h := gocv.GetPerspectiveTransform2f(sv, dv)
	defer h.Close()
	n := int(side + 2*q)
	out := gocv.NewMat()
	gocv.WarpPerspectiveWithParams(f.gray, &out, h, image.Pt(n, n), gocv.InterpolationLinear, gocv.BorderReplicate, white)
	return out, true
}
