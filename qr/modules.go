package qr

import (
	"image"
	"math"

	"gocv.io/x/gocv"
)

// The module reader reads a code that has been located (finder patterns, or OpenCV's corners)
// but that no binarizer reads: too small, defocused, blurred by motion, under glare or partly
// covered. It works on the gray frame itself, never on a binarized copy:
//
//  1. The region is flattened: each pixel minus the local mean, over the local contrast (with a
//     floor), so that glare and shadow no longer shift the threshold and a washed-out patch
//     reads as uncertain rather than as light.
//  2. A sampling grid — a homography from module coordinates to pixels — is fitted to every
//     module whose colour the standard fixes (finder, separator, timing and alignment
//     patterns), for each plausible size of code. Sampling between pixels is the upsampling:
//     2.8 px modules are read at their centres, not on a pixel lattice.
//  3. The module values are deblurred in module space: the blur's effect on a module centre is
//     estimated from the known modules as a 3×3 kernel (defocus spreads it evenly, motion
//     along one direction), and the unknown modules are solved for under that kernel.
//  4. The values, signed by certainty, go to the soft decoder (soft.go).

// plane is a flattened region of a gray frame: values > 0 darker than their surroundings.
// A raw plane (b set, v nil) is the frame's gray levels as they are, negated: for screening.
type plane struct {
	r    image.Rectangle // in frame pixels
	k    float64         // plane pixels per frame pixel (≤ 1: large modules are read scaled down)
	w, h int             // plane size
	v    []float32
	b    []uint8
}

// flattenFloor is the least local contrast (standard deviation, grey levels) a pixel is
// divided by: noise in a flat patch stays small instead of becoming a confident module.
const flattenFloor = 6

// planeModulePx is the module size planes are made at: larger modules are scaled down to it
// (the reading needs no more, and the work grows with the square of the size).
const planeModulePx = 3.5

// newPlane flattens r of the gray frame g, for a code of ms-pixel modules.
func newPlane(g gocv.Mat, r image.Rectangle, ms float64) (*plane, bool) {
	r = r.Intersect(image.Rect(0, 0, g.Cols(), g.Rows()))
	if r.Dx() < 16 || r.Dy() < 16 {
		return nil, false
	}
	k := math.Min(1, planeModulePx/ms)
	w, h := max(16, int(math.Round(float64(r.Dx())*k))), max(16, int(math.Round(float64(r.Dy())*k)))
	win := max(3, min(int(math.Round(flattenModules*ms*k)), w, h)) | 1
	sub := g.Region(r)
	defer sub.Close()
	f := gocv.NewMat()
	defer f.Close()
	if k < 1 {
		small := gocv.NewMat()
		defer small.Close()
		gocv.Resize(sub, &small, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		small.ConvertTo(&f, gocv.MatTypeCV32F)
	} else {
		sub.ConvertTo(&f, gocv.MatTypeCV32F)
	}
	mean := gocv.NewMat()
	defer mean.Close()
	gocv.Blur(f, &mean, image.Pt(win, win))
	sq := gocv.NewMat()
	defer sq.Close()
	gocv.Multiply(f, f, &sq)
	sqMean := gocv.NewMat()
	defer sqMean.Close()
	gocv.Blur(sq, &sqMean, image.Pt(win, win))
	fv, err1 := f.DataPtrFloat32()
	mv, err2 := mean.DataPtrFloat32()
	qv, err3 := sqMean.DataPtrFloat32()
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, false
	}
	// The floor also follows the region's typical contrast, so that a patch of glare with a
	// tenth of it is not blown up to full confidence.
	sd := make([]float32, len(fv))
	var hist [128]int
	for i := range fv {
		v := float32(math.Sqrt(float64(max(0, qv[i]-mv[i]*mv[i]))))
		sd[i] = v
		if i%3 == 0 {
			hist[min(127, int(v))]++
		}
	}
	floor := float32(math.Max(flattenFloor, 0.3*histQuantile(hist[:], 0.75)))
	p := &plane{r: r, k: k, w: w, h: h, v: make([]float32, len(fv))}
	for i := range fv {
		p.v[i] = (mv[i] - fv[i]) / max(sd[i], floor)
	}
	return p, true
}

// histQuantile returns the q-quantile of values counted in a histogram of unit bins.
func histQuantile(h []int, q float64) float64 {
	n := 0
	for _, c := range h {
		n += c
	}
	want := int(q * float64(n))
	for v, c := range h {
		if want -= c; want < 0 {
			return float64(v) + 0.5
		}
	}
	return float64(len(h))
}

// at samples the plane at frame coordinates (x, y), bilinearly; outside it, 0 (unknown).
func (p *plane) at(x, y float64) float32 {
	x = (x - float64(p.r.Min.X)) * p.k
	y = (y - float64(p.r.Min.Y)) * p.k
	w, h := p.w, p.h
	if !(x >= 0 && y >= 0 && x <= float64(w-1) && y <= float64(h-1)) { // NaN too
		if p.b == nil || math.IsNaN(x) || math.IsNaN(y) {
			return 0
		}
		x, y = math.Max(0, math.Min(x, float64(w-1))), math.Max(0, math.Min(y, float64(h-1)))
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	if p.b != nil {
		a := float32(p.b[y0*w+x0])*(1-fx) + float32(p.b[y0*w+x1])*fx
		b := float32(p.b[y1*w+x0])*(1-fx) + float32(p.b[y1*w+x1])*fx
		return -(a*(1-fy) + b*fy)
	}
	a := p.v[y0*w+x0]*(1-fx) + p.v[y0*w+x1]*fx
	b := p.v[y1*w+x0]*(1-fx) + p.v[y1*w+x1]*fx
	return a*(1-fy) + b*fy
}

// A lattice places a d×d code in the frame: pts are the pixel positions of the module
// coordinates (3.5, 3.5), (d−3.5, 3.5), (d−3.5, d−3.5) and (3.5, d−3.5) — the finder patterns'
// centres and the point where a fourth would be. Module (x, y) spans [x, x+1)×[y, y+1).
type lattice struct {
	d   int
	pts [4][2]float64
}

// A homography maps (x, y) to ((h0·x + h1·y + h2)/w, (h3·x + h4·y + h5)/w), w = h6·x + h7·y + 1.
type homography [8]float64

func (h *homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + 1
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// squareToQuad maps the unit square's corners (0,0), (1,0), (1,1), (0,1) onto q (Heckbert's
// construction: exact for four points, affine when q is a parallelogram).
func squareToQuad(q [4][2]float64) homography {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0][0], q[0][1], q[1][0], q[1][1], q[2][0], q[2][1], q[3][0], q[3][1]
	sx, sy := x0-x1+x2-x3, y0-y1+y2-y3
	var g, h float64
	if sx != 0 || sy != 0 {
		dx1, dx2, dy1, dy2 := x1-x2, x3-x2, y1-y2, y3-y2
		den := dx1*dy2 - dx2*dy1
		if den == 0 {
			den = 1e-12
		}
		g = (sx*dy2 - dx2*sy) / den
		h = (dx1*sy - sx*dy1) / den
	}
	return homography{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h}
}

// fromSquare returns the map taking (x, y) to squareToQuad(q) of ((x−o)/k, (y−o)/k): the
// square [o, o+k]² onto q.
func fromSquare(q [4][2]float64, o, k float64) homography {
	h := squareToQuad(q)
	// substitute u = (x−o)/k, v = (y−o)/k, then scale so that the denominator's constant,
	// 1 − (h6+h7)·o/k, is 1 again
	r := homography{h[0] / k, h[1] / k, h[2] - (h[0]+h[1])*o/k, h[3] / k, h[4] / k, h[5] - (h[3]+h[4])*o/k, h[6] / k, h[7] / k}
	w := 1 - (h[6]+h[7])*o/k
	for i := range r {
		r[i] /= w
	}
	return r
}

// valid reports whether the lattice is a code at all: finite points making a convex
// quadrilateral, turning the way a code seen from its printed side does, a few pixels a module.
func (g lattice) valid() bool {
	p := g.pts
	for i := range p {
		a, b, c := p[i], p[(i+1)%4], p[(i+2)%4]
		if math.IsNaN(a[0]+a[1]) || math.IsInf(a[0]+a[1], 0) {
			return false
		}
		if (b[0]-a[0])*(c[1]-b[1])-(b[1]-a[1])*(c[0]-b[0]) <= 0 {
			return false
		}
	}
	return g.moduleSize() >= minModulePx
}

// transform maps module coordinates to pixels.
func (g lattice) transform() homography {
	return fromSquare(g.pts, 3.5, float64(g.d)-7)
}

// A known module is one whose colour the standard fixes: +1 dark, −1 light.
type known struct {
	x, y int
	sign float32
}

// knownModules lists the fixed modules of a d×d code: the three finder patterns with their
// separators and the quiet zone's first ring beside them, the timing patterns, the alignment
// patterns and the dark module.
func knownModules(d int) []known {
	l := layoutFor(d)
	if l == nil {
		return nil
	}
	var k []known
	add := func(x, y int, dark bool) {
		s := float32(-1)
		if dark {
			s = 1
		}
		k = append(k, known{x, y, s})
	}
	for _, o := range [3][2]int{{0, 0}, {d - 7, 0}, {0, d - 7}} {
		for y := -1; y <= 7; y++ {
			for x := -1; x <= 7; x++ {
				add(o[0]+x, o[1]+y, finderDark(x, y))
			}
		}
	}
	for i := 8; i < d-8; i++ {
		add(i, 6, i%2 == 0)
		add(6, i, i%2 == 0)
	}
	c := l.version.GetAlignmentPatternCenters()
	for xi := range c {
		for yi := range c {
			if (xi == 0 && (yi == 0 || yi == len(c)-1)) || (xi == len(c)-1 && yi == 0) {
				continue
			}
			for y := -2; y <= 2; y++ {
				for x := -2; x <= 2; x++ {
					add(c[xi]+x, c[yi]+y, max(abs(x), abs(y)) != 1)
				}
			}
		}
	}
	add(8, d-8, true)
	return k
}

// sampleSpread is where a module is sampled: its centre and four points this far (in modules)
// from it along the axes, averaged — less noise, and no aliasing when modules are small.
const sampleSpread = 0.22

var spread5 = [5][2]float64{{0, 0}, {-sampleSpread, 0}, {sampleSpread, 0}, {0, -sampleSpread}, {0, sampleSpread}}

// sampleAt returns the value of each module listed in xy (module coordinates of the
// modules' top-left corners, x0, y0, x1, y1...), averaged over n of the spread points.
func (p *plane) sampleAt(g lattice, xy []float64, n int, out []float32) []float32 {
	t := g.transform()
	out = out[:0]
	inv := 1 / float32(n)
	for i := 0; i < len(xy); i += 2 {
		var s float32
		for _, o := range spread5[:n] {
			s += p.at(t.apply(xy[i]+0.5+o[0], xy[i+1]+0.5+o[1]))
		}
		out = append(out, s*inv)
	}
	return out
}

// A fitter fits lattices of one size to a plane.
type fitter struct {
	p     *plane
	d     int
	known []known
	xy    []float64 // the known modules' coordinates
	vals  []float32
}

func newFitter(p *plane, d int) *fitter {
	f := &fitter{p: p, d: d, known: knownModules(d)}
	for _, k := range f.known {
		f.xy = append(f.xy, float64(k.x), float64(k.y))
	}
	return f
}

// score is the correlation between the known modules' values under g and their colours.

func (f *fitter) score(g lattice, n int) float64 {
	f.vals = f.p.sampleAt(g, f.xy, n, f.vals)
	var sv, ss, svv, svs float64
	for i, v := range f.vals {
		s := float64(f.known[i].sign)
		sv += float64(v)
		ss += s
		svv += float64(v) * float64(v)
		svs += float64(v) * s
	}
	m := float64(len(f.vals))
	if m == 0 {
		return -1
	}
	cov := svs/m - sv/m*ss/m
	varV := svv/m - sv/m*sv/m
	varS := 1 - ss/m*ss/m
	if varV <= 0 || varS <= 0 {
		return -1
	}
	return cov / math.Sqrt(varV*varS)
}

// moduleSize is the lattice's mean module size in pixels.
func (g lattice) moduleSize() float64 {
	p := g.pts
	side := math.Hypot(p[1][0]-p[0][0], p[1][1]-p[0][1]) + math.Hypot(p[3][0]-p[0][0], p[3][1]-p[0][1]) +
		math.Hypot(p[2][0]-p[3][0], p[2][1]-p[3][1]) + math.Hypot(p[2][0]-p[1][0], p[2][1]-p[1][1])
	return side / 4 / float64(g.d-7)
}

// fit refines g by coordinate search over its four points (and the whole lattice's position),
// in steps from half a module down to an eighth, and returns the best lattice and its score.
// Coarse steps sample module centres only; the last one the five spread points.
func (f *fitter) fit(g lattice) (lattice, float64) {
	ms := g.moduleSize()
	n := 1
	best := f.score(g, n)
	for _, step := range [...]float64{0.5, 0.25, 0.12} {
		if step < 0.2 {
			n = 5
			best = f.score(g, n)
		}
		s := step * ms
		for pass := 0; pass < 4; pass++ {
			improved := false
			for c := 0; c < 10; c++ {
				for _, dir := range [2]float64{-1, 1} {
					cand := g
					if c < 8 {
						cand.pts[c/2][c%2] += dir * s
					} else {
						for i := range cand.pts {
							cand.pts[i][c-8] += dir * s
						}
					}
					if sc := f.score(cand, n); sc > best {
						g, best, improved = cand, sc, true
						break
					}
				}
			}
			if !improved {
				break
			}
		}
	}
	return g, best
}

// searchPoint moves one of the lattice's points (the fourth, which no finder pattern marks, or
// a finder pattern that was not seen but guessed) over ±r modules, a module at a time and then
// half a module, and keeps the best place.
func (f *fitter) searchPoint(g lattice, k int, r float64) lattice {
	ms := g.moduleSize()
	best, bestScore := g, f.score(g, 1)
	for _, s := range [2]struct{ r, step float64 }{{r, 1}, {0.5, 0.5}} {
		c := best
		for dy := -s.r; dy <= s.r+1e-9; dy += s.step {
			for dx := -s.r; dx <= s.r+1e-9; dx += s.step {
				cand := c
				cand.pts[k][0] += dx * ms
				cand.pts[k][1] += dy * ms
				if sc := f.score(cand, 1); sc > bestScore {
					best, bestScore = cand, sc
				}
			}
		}
	}
	return best
}

// modules samples every module of g and the ring around the code: (d+2)² values, row-major,
// the module (x, y) at index (y+1)*(d+2) + x+1.
func (p *plane) modules(g lattice) []float32 {
	e := g.d + 2
	xy := make([]float64, 0, 2*e*e)
	for y := -1; y <= g.d; y++ {
		for x := -1; x <= g.d; x++ {
			xy = append(xy, float64(x), float64(y))
		}
	}
	return p.sampleAt(g, xy, 5, make([]float32, 0, e*e))
}

// inner returns the d×d code from a (d+2)² sample with its ring.
func inner(ext []float32, d int) []float32 {
	out := make([]float32, 0, d*d)
	for y := 0; y < d; y++ {
		out = append(out, ext[(y+1)*(d+2)+1:(y+1)*(d+2)+1+d]...)
	}
	return out
}

// finderDark reports whether module (x, y) of a finder pattern (0..6, with the separator ring
// at -1 and 7) is dark: the outer ring and the 3×3 centre.
func finderDark(x, y int) bool {
	r := max(abs(x-3), abs(y-3))
	return r == 3 || r <= 1
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
