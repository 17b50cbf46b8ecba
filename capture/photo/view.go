package photo

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"
)

// A view is the region around the face resampled upright (eye line horizontal) at a fixed
// scale: unit pixels per eye-to-mouth distance, with the eye midpoint at a fixed place. Every
// measure that looks at pixels works in this view, so its thresholds do not depend on the
// camera's resolution or the person's distance.
type view struct {
	w, h int
	unit float64 // view pixels per eye–mouth distance
	// frame → view similarity: rotate by −roll about the eye midpoint, scale, translate.
	scale, cos, sin float64
	eye             point // eye midpoint, frame pixels
	eyeV            point // eye midpoint, view pixels
	frameW, frameH  int

	valid      []bool    // the view pixel comes from inside the frame
	l, a, b    []float32 // CIELAB of the view (L* 0–100)
	ls, as, bs []float32 // the same smoothed (σ≈2 px): colour statistics and masks
	l1         []float32 // L* after light smoothing (σ≈1 px)
	// bgr is the view's 8-bit BGR (stills only): the background measures average it before
	// converting to CIELAB, which 8-bit CIELAB's steps would round away.
	bgr []byte
	// small is the view in BGR shrunk by segShrink (sw×sh), for segmentation.
	small  []byte
	sw, sh int
	grad   []float32 // gradient magnitude of l1, L* units per pixel
}

type point struct{ X, Y float64 }

// View geometry in units of the eye–mouth distance (u): 6u wide, eyes 3.2u below the top,
// 4u above the bottom. That holds the 35:45 crop (about 3.4u × 4.4u) with room around it.
const (
	viewWidthU = 6.0
	viewAboveU = 3.2
	viewBelowU = 4.0
)

func (v *view) toView(p point) point {
	dx, dy := p.X-v.eye.X, p.Y-v.eye.Y
	return point{v.eyeV.X + v.scale*(v.cos*dx+v.sin*dy), v.eyeV.Y + v.scale*(-v.sin*dx+v.cos*dy)}
}

func (v *view) toFrame(p point) point {
	dx, dy := (p.X-v.eyeV.X)/v.scale, (p.Y-v.eyeV.Y)/v.scale
	return point{v.eye.X + v.cos*dx - v.sin*dy, v.eye.Y + v.sin*dx + v.cos*dy}
}

// at is the index of view pixel (x,y), or -1 outside the view.
func (v *view) at(x, y int) int {
	if x < 0 || y < 0 || x >= v.w || y >= v.h {
		return -1
	}
	return y*v.w + x
}

// newView resamples frame around eye (roll in degrees, emd the eye–mouth distance in frame
// pixels) at unit view pixels per emd. The view is converted to CIELAB once and smoothed there.
// A still's view also keeps a shrunken copy for segmentation and the gradient of L*, which
// only the background measures need.
func newView(frame gocv.Mat, eye point, rollDeg, emd, unit float64, still bool) (*view, error) {
	if emd <= 0 || math.IsNaN(emd) || math.IsNaN(rollDeg) {
		return nil, fmt.Errorf("photo: degenerate face geometry (eye–mouth %.1f px)", emd)
	}
	r := rollDeg * math.Pi / 180
	v := &view{
		w: int(math.Round(viewWidthU * unit)), h: int(math.Round((viewAboveU + viewBelowU) * unit)),
		unit: unit, scale: unit / emd, cos: math.Cos(r), sin: math.Sin(r),
		eye: eye, frameW: frame.Cols(), frameH: frame.Rows(),
	}
	v.eyeV = point{float64(v.w) / 2, viewAboveU * unit}
	n := v.w * v.h
	v.valid = make([]bool, n)
	anyValid := false
	for y := 0; y < v.h; y++ {
		for x := 0; x < v.w; x++ {
			p := v.toFrame(point{float64(x), float64(y)})
			if p.X >= 0 && p.Y >= 0 && p.X <= float64(v.frameW-1) && p.Y <= float64(v.frameH-1) {
				v.valid[y*v.w+x] = true
				anyValid = true
			}
		}
	}
	var err error
	bgr := gocv.NewMat()
	defer bgr.Close()
	if anyValid {
		if err := v.warp(frame, &bgr); err != nil {
			return nil, err
		}
	} else {
		bgr.Close()
		bgr = gocv.NewMatWithSize(v.h, v.w, gocv.MatTypeCV8UC3)
	}
	lab := gocv.NewMat()
	defer lab.Close()
	gocv.CvtColor(bgr, &lab, gocv.ColorBGRToLab)
	if v.l, v.a, v.b, err = labPlanes(lab, true); err != nil {
		return nil, err
	}
	smooth := gocv.NewMat()
	defer smooth.Close()
	gocv.GaussianBlur(lab, &smooth, image.Pt(0, 0), 2, 2, gocv.BorderReflect101)
	if v.ls, v.as, v.bs, err = labPlanes(smooth, true); err != nil {
		return nil, err
	}
	gocv.GaussianBlur(lab, &smooth, image.Pt(0, 0), 1, 1, gocv.BorderReflect101)
	if v.l1, _, _, err = labPlanes(smooth, false); err != nil {
		return nil, err
	}
	if !still {
		return v, nil
	}
	px, err := bgr.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	v.bgr = append([]byte(nil), px...)
	v.sw, v.sh = (v.w+segShrink-1)/segShrink, (v.h+segShrink-1)/segShrink
	gocv.Resize(bgr, &smooth, image.Pt(v.sw, v.sh), 0, 0, gocv.InterpolationArea)
	if v.small, err = smooth.DataPtrUint8(); err != nil {
		return nil, err
	}
	v.small = append([]byte(nil), v.small...)
	v.grad = gradient(v.l1, v.w, v.h)
	return v, nil
}

// warp fills dst with the view. A large downscale first goes through an area resize, because
// warpAffine samples without averaging and would alias fine texture and sensor grain.
func (v *view) warp(frame gocv.Mat, dst *gocv.Mat) error {
	// The frame region the view covers.
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range []point{{0, 0}, {float64(v.w), 0}, {0, float64(v.h)}, {float64(v.w), float64(v.h)}} {
		p := v.toFrame(c)
		x0, y0, x1, y1 = math.Min(x0, p.X), math.Min(y0, p.Y), math.Max(x1, p.X), math.Max(y1, p.Y)
	}
	roi := image.Rect(int(math.Floor(x0))-2, int(math.Floor(y0))-2, int(math.Ceil(x1))+2, int(math.Ceil(y1))+2).
		Intersect(image.Rect(0, 0, v.frameW, v.frameH))
	if roi.Empty() {
		dst.Close()
		*dst = gocv.NewMatWithSize(v.h, v.w, gocv.MatTypeCV8UC3)
		return nil
	}
	src := frame.Region(roi)
	defer src.Close()
	pre := 1.0 // how much src was shrunk before the warp
	small := gocv.NewMat()
	defer small.Close()
	in := src
	if v.scale < 0.7 {
		sz := image.Pt(max(1, int(math.Round(float64(roi.Dx())*v.scale))), max(1, int(math.Round(float64(roi.Dy())*v.scale))))
		gocv.Resize(src, &small, sz, 0, 0, gocv.InterpolationArea)
		pre = float64(sz.X) / float64(roi.Dx())
		in = small
	}
	// Affine map from `in` pixels to view pixels.
	k := v.scale / pre
	ox, oy := float64(roi.Min.X), float64(roi.Min.Y)
	// frame = in/pre + o  →  view = eyeV + scale·R·(frame − eye)
	tx := v.eyeV.X + v.scale*(v.cos*(ox-v.eye.X)+v.sin*(oy-v.eye.Y))
	ty := v.eyeV.Y + v.scale*(-v.sin*(ox-v.eye.X)+v.cos*(oy-v.eye.Y))
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer m.Close()
	m.SetDoubleAt(0, 0, k*v.cos)
	m.SetDoubleAt(0, 1, k*v.sin)
	m.SetDoubleAt(0, 2, tx)
	m.SetDoubleAt(1, 0, -k*v.sin)
	m.SetDoubleAt(1, 1, k*v.cos)
	m.SetDoubleAt(1, 2, ty)
	gocv.WarpAffineWithParams(in, dst, m, image.Pt(v.w, v.h), gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	if dst.Rows() != v.h || dst.Cols() != v.w || dst.Type() != gocv.MatTypeCV8UC3 {
		return fmt.Errorf("photo: view warp gave %dx%d type %v", dst.Cols(), dst.Rows(), dst.Type())
	}
	return nil
}

// labPlanes converts an 8-bit CIELAB Mat (OpenCV's encoding) to float planes: L* 0–100, and
// a*, b* when ab is set.
func labPlanes(lab gocv.Mat, ab bool) (l, a, b []float32, err error) {
	px, err := lab.DataPtrUint8()
	if err != nil {
		return nil, nil, nil, err
	}
	n := lab.Rows() * lab.Cols()
	if len(px) != 3*n || lab.Type() != gocv.MatTypeCV8UC3 {
		return nil, nil, nil, fmt.Errorf("photo: Lab image holds %d bytes for %d pixels", len(px), n)
	}
	l = make([]float32, n)
	for i := 0; i < n; i++ {
		l[i] = float32(px[3*i]) * (100.0 / 255)
	}
	if !ab {
		return l, nil, nil, nil
	}
	a, b = make([]float32, n), make([]float32, n)
	for i := 0; i < n; i++ {
		a[i] = float32(px[3*i+1]) - 128
		b[i] = float32(px[3*i+2]) - 128
	}
	return l, a, b, nil
}

// gradient is the central-difference gradient magnitude of a w×h plane (0 on the border).
func gradient(p []float32, w, h int) []float32 {
	g := make([]float32, len(p))
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			gx := (p[i+1] - p[i-1]) / 2
			gy := (p[i+w] - p[i-w]) / 2
			g[i] = float32(math.Sqrt(float64(gx*gx + gy*gy)))
		}
	}
	return g
}

// deltaE is the CIE76 colour difference between view pixel i (smoothed) and a colour.
func (v *view) deltaE(i int, c lab) float64 {
	dl, da, db := float64(v.ls[i])-c.L, float64(v.as[i])-c.A, float64(v.bs[i])-c.B
	return math.Sqrt(dl*dl + da*da + db*db)
}

// A lab is a CIELAB colour.
type lab struct{ L, A, B float64 }
