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

// frame holds the views of one gray frame, each built on first use and closed together, and
// what the attempts so far located: finder patterns seen, OpenCV's corners, and the lattices
// the module reader has already tried.
type frame struct {
	gray  gocv.Mat
	det   *gocv.QRCodeDetector
	views [numViews]*gocv.Mat
	built [numViews]bool
	loc   locator
}

func newFrame(gray gocv.Mat, det *gocv.QRCodeDetector, lim limits) *frame {
	return &frame{gray: gray, det: det, loc: locator{lim: lim}}
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
// side: gozxing reads tilted codes far better that way. The corners also go to the module
// reader, which fits its own lattice from them.
//
// Detection cost grows with the edges in view (90 ms on a ruled 1280×720 page), so on large
// frames it runs on the half-size view; fine runs it on the whole frame at full resolution,
// for small codes that the half-size view loses.
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
	var quad [4][2]float64
	for i, p := range src {
		quad[i] = [2]float64{float64(p.X), float64(p.Y)}
	}
	f.loc.quads = append(f.loc.quads, quad)
	side = math.Round(math.Min(side, maxRectSide))
	q := math.Round(side / 8)
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

// scaleOf returns the factor from view v's pixels to the frame's, or 0 for the rectified views
// (whose pixels are warped).
func (f *frame) scaleOf(v view) float64 {
	w := f.views[v]
	if w == nil || v == viewRectified || v == viewRectifiedFine {
		return 0
	}
	return float64(f.gray.Cols()) / float64(w.Cols())
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

// maxAroundSide bounds the region searched by detectAround; a larger one is searched at half
// size (its modules are large enough). OpenCV's detector enlarges anything under 512 px to
// that size, so a smaller region saves little: its cost is about 6 ms whatever the region.
const maxAroundSide = 600

// detectAround asks OpenCV's detector for the corners of a code around the two most confirmed
// finder patterns seen — a code whose third finder is hidden or washed out — searching only
// that region, at full resolution (small codes), where the rest of the frame cannot mislead
// it and at a small fraction of a whole-frame search's worst cost. The corners join the
// frame's quadrilaterals; ok is false when there was nothing to search around or nothing was
// found.
func (f *frame) detectAround() bool {
	s := f.loc.best()
	if len(s) < 2 || !similar(s[0].ms, s[1].ms) {
		return false
	}
	a, b := s[0], s[1]
	// two adjacent finders are a side apart and the code lies to one side of them: the region
	// must hold a side each way, and the quiet zone that the detector needs
	d := math.Hypot(a.x-b.x, a.y-b.y)
	half := 1.3 * d
	cx, cy := (a.x+b.x)/2, (a.y+b.y)/2
	r := image.Rect(int(cx-half), int(cy-half), int(cx+half), int(cy+half)).Intersect(image.Rect(0, 0, f.gray.Cols(), f.gray.Rows()))
	if r.Dx() < 2*minSide || r.Dy() < 2*minSide {
		return false
	}
	sub := f.gray.Region(r)
	defer sub.Close()
	var q []gocv.Point2f
	if max(r.Dx(), r.Dy()) > maxAroundSide {
		small := gocv.NewMat()
		defer small.Close()
		gocv.Resize(sub, &small, image.Pt(r.Dx()/2, r.Dy()/2), 0, 0, gocv.InterpolationArea)
		q = f.detect(small, 2)
	} else {
		q = f.detect(sub, 1)
	}
	if q == nil {
		return false
	}
	var quad [4][2]float64
	for i, p := range q {
		quad[i] = [2]float64{float64(p.X) + float64(r.Min.X), float64(p.Y) + float64(r.Min.Y)}
	}
	f.loc.quads = append(f.loc.quads, quad)
	return true
}
