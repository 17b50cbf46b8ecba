package qr

import (
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"
)

// Reading located codes with the module reader (modules.go). Hypotheses (locate.go) are many
// and mostly wrong — finder-like blobs in text, a pair completed on the wrong side — so each is
// first placed at each plausible size on the raw frame and scored (microseconds), and only the
// best few are flattened, fitted and read (milliseconds each).

// minFitScore: a fitted lattice whose known modules correlate less than this with the colours
// the standard gives them is not read (a sharp code scores above 0.9, a heavily blurred one
// about 0.6; text and ruled lines stay well below).
const minFitScore = 0.5

// flattenModules is the flattening window in modules: large enough to hold both colours
// everywhere (a finder's 3×3 centre), small next to the spread of glare.
const flattenModules = 5

// sizeSpread is how far (in versions) from a finder hypothesis's estimated size the sizes
// screened go: module sizes measured on blurred finder patterns are rough.
const sizeSpread = 2

// maxCandidates bounds the candidates screen keeps: no frame has more codes worth fitting.
const maxCandidates = 24

// limits bound the module reader's work on one candidate: the largest code it reads (form
// codes are far smaller; large codes are read by the plain passes or not at all) and the
// largest plane it flattens (in plane pixels: large modules are scaled down first).
type limits struct{ maxSize, maxPlane int }

var (
	fullLimits = limits{maxSize: 97, maxPlane: 900} // a full decode
	liveLimits = limits{maxSize: 57, maxPlane: 520} // a live frame: a few milliseconds a candidate
)

// A candidate is a lattice worth fitting: a hypothesis at one size, scored as first placed.
type candidate struct {
	g      lattice
	score  float64
	min    float64 // the least fit score to read it at; 0 means minFitScore
	corner bool    // its fourth point is a guess (finder hypotheses): search for it first
	guess  int     // a finder pattern that is a guess too (index in g.pts), or −1
}

// regionOf returns the frame rectangle that holds the code of lattice g and margin modules
// around it.
func regionOf(g lattice, margin float64) image.Rectangle {
	t := g.transform()
	lo, hi := -margin, float64(g.d)+margin
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{lo, lo}, {hi, lo}, {hi, hi}, {lo, hi}} {
		x, y := t.apply(c[0], c[1])
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	if math.IsNaN(minX+minY+maxX+maxY) || math.IsInf(minX+minY+maxX+maxY, 0) {
		return image.Rectangle{}
	}
	return image.Rect(int(minX), int(minY), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1)
}

// screen places every hypothesis at each of its sizes on the raw frame and returns the
// candidates, best first, without near-duplicates (three finders and their pairs all propose
// the same lattice).
func screen(raw *plane, hs []hypothesis, lim limits) []candidate {
	var cs []candidate
	fitters := map[int]*fitter{}
	for _, h := range hs {
		sizes := []int{h.g.d}
		if h.g.d > lim.maxSize {
			sizes = nil
		}
		if h.known != 4 {
			sizes = sizes[:0]
			for v := -sizeSpread; v <= sizeSpread; v++ {
				if d := h.g.d + 4*v; d >= 21 && d <= lim.maxSize {
					sizes = append(sizes, d)
				}
			}
		}
		for _, d := range sizes {
			f := fitters[d]
			if f == nil {
				f = newFitter(raw, d)
				fitters[d] = f
			}
			g := lattice{d: d, pts: h.g.pts}
			if !g.valid() {
				continue
			}
			cs = append(cs, candidate{g: g, score: f.score(g, 1), corner: h.known != 4, guess: h.guess})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].score > cs[j].score })
	out := cs[:0]
	for _, c := range cs {
		if len(out) == maxCandidates {
			break
		}
		dup := false
		for _, o := range out {
			dup = dup || sameLattice(c.g, o.g)
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// sameLattice reports whether two lattices are the same code at the same size, give or take a
// module.
func sameLattice(a, b lattice) bool {
	if a.d != b.d {
		return false
	}
	ms := a.moduleSize()
	for i := range a.pts {
		if math.Hypot(a.pts[i][0]-b.pts[i][0], a.pts[i][1]-b.pts[i][1]) > ms {
			return false
		}
	}
	return true
}

// A sample is what the module reader made of one candidate: the fitted lattice, its score
// and the module values (with the ring around the code), whether or not they decoded.
type sample struct {
	g     lattice
	score float64
	ext   []float32
}

// readCandidate flattens the candidate's region, fits its lattice and reads it. s is nil when
// the lattice fits too poorly to be a code.
func readCandidate(gray gocv.Mat, c candidate, lim limits) (text string, ok bool, s *sample) {
	ms := c.g.moduleSize()
	margin := 4.0 // the ring around the code and half the flattening window
	if c.corner || c.guess >= 0 {
		margin += 3 // the searches' reach
	}
	r := regionOf(c.g, margin)
	if k := math.Min(1, planeModulePx/ms); r.Empty() || float64(r.Dx())*k > float64(lim.maxPlane) || float64(r.Dy())*k > float64(lim.maxPlane) {
		return "", false, nil
	}
	p, good := newPlane(gray, r, ms)
	if !good {
		return "", false, nil
	}
	f := newFitter(p, c.g.d)
	g := c.g
	if c.guess >= 0 {
		g = f.searchPoint(g, c.guess, 3)
	}
	if c.corner && g.d > 21 {
		g = f.searchPoint(g, 2, 3)
	}
	g, score := f.fit(g)
	least := c.min
	if least == 0 {
		least = minFitScore
	}
	if score < least {
		return "", false, nil
	}
	s = &sample{g: g, score: score, ext: p.modules(g)}
	text, ok = readModules(s.ext, g.d)
	return text, ok, s
}

// signMap returns the known colours of a d×d code's modules and ring, (d+2)², 0 unknown.
func signMap(d int) []float32 {
	e := d + 2
	s := make([]float32, e*e)
	for _, k := range knownModules(d) {
		if k.x >= -1 && k.y >= -1 && k.x <= d && k.y <= d {
			s[(k.y+1)*e+k.x+1] = k.sign
		}
	}
	return s
}

// readModules decodes module values (d+2)² with the ring: as sampled, then deblurred.
func readModules(ext []float32, d int) (string, bool) {
	if text, ok := decodeSoft(inner(ext, d), d); ok {
		return text, true
	}
	e := d + 2
	sign := signMap(d)
	k, ok := estimateKernel(ext, sign, e)
	if !ok {
		return "", false
	}
	return decodeSoft(inner(deblur(ext, sign, e, k), d), d)
}

// rawPlane wraps a continuous gray frame for screening: no copy, no flattening.
func rawPlane(gray gocv.Mat) (*plane, bool) {
	b, err := gray.DataPtrUint8()
	if err != nil || !gray.IsContinuous() {
		return nil, false
	}
	return &plane{r: image.Rect(0, 0, gray.Cols(), gray.Rows()), k: 1, w: gray.Cols(), h: gray.Rows(), b: b}, true
}

// locatedTries is how many untried candidates one located attempt of a full decode reads.
const locatedTries = 4

// readLocated reads up to n of the best candidates the frame's attempts have located and the
// module reader has not tried yet. best is the best-fitting sample read (for combining frames).
func (f *frame) readLocated(n int) (text string, ok bool, best *sample) {
	if f.loc.raw == nil {
		if f.loc.raw, ok = rawPlane(f.gray); !ok {
			return "", false, nil
		}
	}
	hs := finderHypotheses(f.loc.best())
	for _, q := range f.loc.quads {
		hs = append(hs, quadHypotheses(q)...)
	}
	for _, c := range screen(f.loc.raw, hs, f.loc.lim) {
		if n == 0 {
			break
		}
		if f.loc.triedLattice(c.g) || f.loc.skipped(c.g) {
			continue
		}
		n--
		f.loc.tried = append(f.loc.tried, c.g)
		text, ok, s := readCandidate(f.gray, c, f.loc.lim)
		if s == nil {
			f.loc.unfit = append(f.loc.unfit, c.g)
		} else if best == nil || s.score > best.score {
			best = s
		}
		if ok {
			return text, true, s
		}
	}
	return "", false, best
}

func (l *locator) skipped(g lattice) bool {
	for _, s := range l.skip {
		if sameCode(s, g) {
			return true
		}
	}
	return false
}

func (l *locator) triedLattice(g lattice) bool {
	for _, t := range l.tried {
		if sameLattice(t, g) {
			return true
		}
	}
	return false
}
