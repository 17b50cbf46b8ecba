package qr

import (
	"image"
	"math"

	"gocv.io/x/gocv"
)

// A view is one preprocessed gray version of a frame.
type view int

const (
	viewFull          view = iota // the gray frame as is
	viewHalf                      // 0.5×: large modules (gozxing misses codes of ~15 px modules), and cheap
	viewThreeQuarter              // 0.75×: large modules, blur
	viewUp                        // upscaled: small codes (3× for small images, 2× for frames)
	viewMedian                    // 3×3 median: print speckle and sensor noise
	viewRectified                 // the code as located by OpenCV (at half size on large frames), warped to an upright square
	viewRectifiedFine             // the same located at full resolution on large frames: exact corners, slower
	numViews
)

func (v view) String() string {
	return [...]string{"full", "half", "3/4", "up", "median", "rectified", "rectified-fine"}[v]
}

// Limits of the scaled views: below minSide a code cannot fit; upscaling stops at maxUpPixels.
const (
	minSide     = 21
	maxUpPixels = 4_000_000
	maxRectSide = 1200
	// detectMaxSide: larger frames are searched by OpenCV's detector at half size
	detectMaxSide = 1000
)

// frame holds the views of one gray frame, each built on first use and closed together.
type frame struct {
	gray  gocv.Mat
	det   *gocv.QRCodeDetector
	views [numViews]*gocv.Mat
	built [numViews]bool
	// where the code lies in the rectified views: [q, q+s) on both axes
	rect [numViews]struct{ q, s int }
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
		out, ok = f.rectify(false)
	case viewRectifiedFine:
		if max(f.gray.Cols(), f.gray.Rows()) <= detectMaxSide {
			return nil // viewRectified already is at full resolution
		}
		out, ok = f.rectify(true)
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
//
// Detection cost grows with the edges in view (90 ms on a ruled 1280×720 page), so on large
// frames it runs on the half-size view; fine runs it on the whole frame at full resolution
// for exact corners, which grid sampling needs (a few pixels off and it fails).
func (f *frame) rectify(fine bool) (gocv.Mat, bool) {
	var src []gocv.Point2f
	if fine || max(f.gray.Cols(), f.gray.Rows()) <= detectMaxSide {
		src = f.detect(f.gray, 1)
	} else if h := f.view(viewHalf); h != nil {
		src = f.detect(*h, float32(f.gray.Cols())/float32(h.Cols()))
	}
	if src == nil {
		return gocv.Mat{}, false
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
	v := viewRectified
	if fine {
		v = viewRectifiedFine
	}
	f.rect[v].q, f.rect[v].s = int(q), int(side)
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

// detect returns the four corners OpenCV finds in m, scaled by k into the frame's coordinates,
// or nil.
func (f *frame) detect(m gocv.Mat, k float32) []gocv.Point2f {
	pts := gocv.NewMat()
	defer pts.Close()
	if !f.det.Detect(m, &pts) || pts.Total() < 4 || pts.Channels() != 2 {
		return nil
	}
	src := make([]gocv.Point2f, 4)
	for i := range src {
		v := pts.GetVecfAt(0, i)
		src[i] = gocv.Point2f{X: v[0] * k, Y: v[1] * k}
	}
	return src
}
