package qr

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Locating codes for the module reader. gozxing's finder-pattern search keeps every finder it
// saw even when it cannot pick three that make a code, so a failed pass still says where a code
// may be: three finders fix a lattice, two (the third under a thumb or in glare) leave six ways
// to complete it. OpenCV's detector gives the code's corners instead.

// A sighting is a finder pattern seen in the frame: its centre and module size, in pixels.
type sighting struct {
	x, y, ms float64
	count    int // how many scan lines confirmed it
}

// maxSightings bounds the finder patterns combined into hypotheses (the most confirmed first).
const maxSightings = 8

// maxSeen bounds the finder patterns a frame keeps (a noisy frame shows hundreds of false ones;
// merging each into the list costs a pass over it).
const maxSeen = 64

// minModulePx: finder patterns seen with smaller modules are noise (the module reader needs
// about 2.4 px to read a code).
const minModulePx = 1.8

// locator gathers what a frame's attempts located, for the module reader.
type locator struct {
	seen  []sighting
	quads [][4][2]float64
	tried []lattice // initial lattices already fitted and read
	unfit []lattice // those of them that did not fit
	skip  []lattice // codes not to read again (the one the live reader follows)
	raw   *plane
	lim   limits
}

// addSightings merges gozxing's finder patterns (in a view k times smaller than the frame).
func (f *frame) addSightings(ps []*detector.FinderPattern, k float64) {
	for _, c := range ps {
		f.loc.add(sighting{c.GetX() * k, c.GetY() * k, c.GetEstimatedModuleSize() * k, c.GetCount()})
	}
}

// add merges a sighting with one already seen at the same place (another view saw the same
// finder pattern), or keeps it as new.
func (l *locator) add(s sighting) {
	if s.ms < minModulePx {
		return
	}
	for i, o := range l.seen {
		if math.Hypot(o.x-s.x, o.y-s.y) < 2*math.Max(o.ms, s.ms) && similar(o.ms, s.ms) {
			n := float64(o.count + s.count)
			w := float64(o.count) / n
			l.seen[i] = sighting{o.x*w + s.x*(1-w), o.y*w + s.y*(1-w), o.ms*w + s.ms*(1-w), o.count + s.count}
			return
		}
	}
	if len(l.seen) < maxSeen {
		l.seen = append(l.seen, s)
	}
}

// best returns the most confirmed sightings, at most maxSightings.
func (l *locator) best() []sighting {
	s := append([]sighting(nil), l.seen...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].count > s[j].count })
	return s[:min(len(s), maxSightings)]
}

// A hypothesis is one way a code may lie in the frame: a lattice whose size is only estimated.
type hypothesis struct {
	g     lattice
	ms    float64 // module size, px
	known int     // finder patterns actually seen (3, or 2 when one was guessed), 4 for a quadrilateral
	guess int     // the index in g.pts of the finder pattern guessed, or −1
}

// similar reports whether two module sizes could belong to one code (tilt makes them differ).
func similar(a, b float64) bool { return a < 1.6*b && b < 1.6*a }

// nearestSize is the QR size nearest to d modules.
func nearestSize(d float64) int {
	v := int(math.Round((d - 17) / 4))
	return 17 + 4*max(1, min(40, v))
}

// fromFinders returns the lattice with finders tl, tr and bl (frame pixels), d modules a side;
// the fourth point completes the parallelogram.
func fromFinders(tl, tr, bl [2]float64, d int) lattice {
	br := [2]float64{tr[0] + bl[0] - tl[0], tr[1] + bl[1] - tl[1]}
	return lattice{d: d, pts: [4][2]float64{tl, tr, br, bl}}
}

// finderHypotheses combines sightings into lattices: every triple that makes a right angle
// with legs of about equal length, and — for codes that show only two finders — the six
// completions of each pair.
func finderHypotheses(s []sighting) []hypothesis {
	var out []hypothesis
	pt := func(a sighting) [2]float64 { return [2]float64{a.x, a.y} }
	for i := 0; i < len(s); i++ {
		for j := i + 1; j < len(s); j++ {
			for k := j + 1; k < len(s); k++ {
				if h, ok := triple(s[i], s[j], s[k]); ok {
					out = append(out, h)
				}
			}
		}
	}
	for i := 0; i < len(s); i++ {
		for j := i + 1; j < len(s); j++ {
			a, b := s[i], s[j]
			if !similar(a.ms, b.ms) {
				continue
			}
			ms := (a.ms + b.ms) / 2
			dx, dy := b.x-a.x, b.y-a.y
			dist := math.Hypot(dx, dy) / ms
			if dist < 13 {
				continue
			}
			// adjacent finders: a third one at a right angle, on either side, either end
			d := nearestSize(dist + 7)
			for _, sgn := range [2]float64{1, -1} {
				// a is top-left and the third is b turned about a by ±90°, or the other way round
				out = appendGuessed(out, pt(a), pt(b), [2]float64{a.x - sgn*dy, a.y + sgn*dx}, 2, d, ms)
				out = appendGuessed(out, pt(b), pt(a), [2]float64{b.x + sgn*dy, b.y - sgn*dx}, 2, d, ms)
			}
			// diagonal finders (top-right and bottom-left): the top-left one on either side
			dd := nearestSize(dist/math.Sqrt2 + 7)
			mx, my := (a.x+b.x)/2, (a.y+b.y)/2
			for _, sgn := range [2]float64{1, -1} {
				tl := [2]float64{mx - sgn*dy/2, my + sgn*dx/2}
				out = appendGuessed(out, tl, pt(a), pt(b), 0, dd, ms)
			}
		}
	}
	return out
}

// appendOriented adds the lattice with top-left finder tl and the other two p and q, whichever
// of them is top-right (the code is never seen mirrored).
func appendOriented(out []hypothesis, tl, p, q [2]float64, d int, ms float64) []hypothesis {
	cross := (p[0]-tl[0])*(q[1]-tl[1]) - (p[1]-tl[1])*(q[0]-tl[0])
	if cross < 0 {
		p, q = q, p
	}
	return append(out, hypothesis{g: fromFinders(tl, p, q, d), ms: ms, known: 3, guess: -1})
}

// appendGuessed is appendOriented for two finders seen and a third guessed: the point tl (when
// which is 0) or the last of the three (which is 2).
func appendGuessed(out []hypothesis, tl, p, q [2]float64, which, d int, ms float64) []hypothesis {
	out = appendOriented(out, tl, p, q, d, ms)
	h := &out[len(out)-1]
	h.known = 2
	guessed := tl
	if which == 2 {
		guessed = q
	}
	for i, pt := range h.g.pts {
		if pt == guessed {
			h.guess = i
		}
	}
	return out
}

// triple makes a hypothesis of three sightings if they can be one code's finders.
func triple(a, b, c sighting) (hypothesis, bool) {
	if !similar(a.ms, b.ms) || !similar(a.ms, c.ms) || !similar(b.ms, c.ms) {
		return hypothesis{}, false
	}
	p := [3][2]float64{{a.x, a.y}, {b.x, b.y}, {c.x, c.y}}
	// the top-left finder is the one opposite the longest side
	d2 := func(i, j int) float64 { return math.Pow(p[i][0]-p[j][0], 2) + math.Pow(p[i][1]-p[j][1], 2) }
	sides := [3]float64{d2(1, 2), d2(0, 2), d2(0, 1)} // opposite 0, 1, 2
	tl := 0
	for i := 1; i < 3; i++ {
		if sides[i] > sides[tl] {
			tl = i
		}
	}
	o1, o2 := p[(tl+1)%3], p[(tl+2)%3]
	l1 := math.Hypot(o1[0]-p[tl][0], o1[1]-p[tl][1])
	l2 := math.Hypot(o2[0]-p[tl][0], o2[1]-p[tl][1])
	ms := (a.ms + b.ms + c.ms) / 3
	if l1 > 1.5*l2 || l2 > 1.5*l1 || (l1+l2)/2/ms < 13 {
		return hypothesis{}, false
	}
	cos := ((o1[0]-p[tl][0])*(o2[0]-p[tl][0]) + (o1[1]-p[tl][1])*(o2[1]-p[tl][1])) / (l1 * l2)
	if math.Abs(cos) > 0.5 { // not within 30° of a right angle
		return hypothesis{}, false
	}
	d := nearestSize((l1+l2)/2/ms + 7)
	return appendOriented(nil, p[tl], o1, o2, d, ms)[0], true
}

// quadSizes are the code sizes tried on a quadrilateral: versions 1 to 10 (a form's code is
// far smaller than 57×57; larger ones are read by the plain passes or not at all).
var quadSizes = []int{21, 25, 29, 33, 37, 41, 45, 49, 53, 57}

// quadHypotheses makes lattices of a quadrilateral around a code (OpenCV's corners), for each
// of the four corners as the top-left and each of quadSizes: the fitter's score picks among
// them.
func quadHypotheses(q [4][2]float64) []hypothesis {
	// corners clockwise on screen (y down): top-left, top-right, bottom-right, bottom-left
	cross := (q[1][0]-q[0][0])*(q[3][1]-q[0][1]) - (q[1][1]-q[0][1])*(q[3][0]-q[0][0])
	if cross < 0 {
		q[1], q[3] = q[3], q[1]
	}
	side := 0.0
	for i := range q {
		side += math.Hypot(q[(i+1)%4][0]-q[i][0], q[(i+1)%4][1]-q[i][1]) / 4
	}
	var out []hypothesis
	for r := 0; r < 4; r++ {
		c := [4][2]float64{q[r], q[(r+1)%4], q[(r+2)%4], q[(r+3)%4]}
		for _, d := range quadSizes {
			fd := float64(d)
			t := fromSquare(c, 0, fd)
			g := lattice{d: d}
			for i, m := range [4][2]float64{{3.5, 3.5}, {fd - 3.5, 3.5}, {fd - 3.5, fd - 3.5}, {3.5, fd - 3.5}} {
				g.pts[i][0], g.pts[i][1] = t.apply(m[0], m[1])
			}
			out = append(out, hypothesis{g: g, ms: side / fd, known: 4, guess: -1})
		}
	}
	return out
}
