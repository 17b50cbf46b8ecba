package qr

import (
	"math"
	"time"
)

// Combining frames. A resident holds the form up for a second or two; a small code in dim
// light may be readable in none of those frames alone, the sensor's noise being new in each.
// The live reader follows the code it fits from frame to frame — the lattice fitted in one
// frame, shifted to where the code has moved, is the next frame's first candidate — and keeps
// the module values of the last trackFrames frames that fitted. Each frame's lattice is fitted
// on its own, so the values are aligned module by module whatever the hand did; their average
// has the noise of one frame divided by √n, and is read as one frame would be.

const (
	trackFrames   = 6  // frames averaged
	trackPatience = 4  // frames the code may go unfitted before it is dropped
	trackGiveUp   = 12 // frames followed without a read before the code is dropped
	trackShift    = 2  // modules the code may move between two frames (searched on the raw frame)
	// trackMinFit is the least fit score of a followed code's frame: lower than minFitScore,
	// as the code is known to be there and a noisy frame still adds to the average.
	trackMinFit = 0.35
)

// track is the code the live reader follows.
type track struct {
	g      lattice     // where it was last fitted
	score  float64     // how well
	frames int         // frames it has been followed
	misses int         // frames since
	vals   [][]float32 // normalised module values with their ring, (d+2)², oldest first
	seen   []sighting  // the last frame's finder patterns, carried into the next
}

func (t *track) active() bool { return t.g.d != 0 }

// reset forgets the code (it was read, or it is gone); the sightings go too.
func (t *track) reset() { *t = track{} }

// drop stops following the code but keeps the sightings.
func (t *track) drop() {
	t.g, t.score, t.frames, t.misses, t.vals = lattice{}, 0, 0, 0, nil
}

// stale reports whether the code has been followed long enough without a read.
func (t *track) stale() bool { return t.frames >= trackGiveUp }

// remember keeps a frame's finder patterns for the next frame.
func (t *track) remember(s []sighting) { t.seen = s }

// candidate returns the followed lattice moved to where the code lies in frame f: the shift
// (in half modules, up to trackShift modules) under which the known modules fit best.
func (t *track) candidate(f *frame) (candidate, bool) {
	if f.loc.raw == nil {
		raw, ok := rawPlane(f.gray)
		if !ok {
			return candidate{}, false
		}
		f.loc.raw = raw
	}
	fit := newFitter(f.loc.raw, t.g.d)
	ms := t.g.moduleSize()
	best, bestScore := t.g, fit.score(t.g, 1)
	for dy := -trackShift; dy <= trackShift; dy++ {
		for dx := -trackShift; dx <= trackShift; dx++ {
			for _, h := range [4][2]float64{{0, 0}, {0.5, 0}, {0, 0.5}, {0.5, 0.5}} {
				g := t.g
				for i := range g.pts {
					g.pts[i][0] += (float64(dx) + h[0]) * ms
					g.pts[i][1] += (float64(dy) + h[1]) * ms
				}
				if s := fit.score(g, 1); s > bestScore {
					best, bestScore = g, s
				}
			}
		}
	}
	return candidate{g: best, score: bestScore, guess: -1, min: trackMinFit}, true
}

// add takes the module reader's sample of this frame (nil when nothing fitted) and reads the
// average of the frames followed so far; n is how many it averaged.
func (t *track) add(s *sample) (text string, ok bool, n int) {
	t.frames++
	if s == nil {
		if t.misses++; t.misses > trackPatience {
			t.drop()
		}
		return "", false, 0
	}
	if t.active() && !sameCode(s.g, t.g) {
		t.vals, t.frames = nil, 1 // another code, or the same one fitted at another size
	}
	t.g, t.score, t.misses = s.g, s.score, 0
	v, good := normalised(s.ext, s.g.d)
	if !good {
		return "", false, 0
	}
	t.vals = append(t.vals, v)
	if len(t.vals) > trackFrames {
		t.vals = t.vals[1:]
	}
	if n = len(t.vals); n < 2 {
		return "", false, 0
	}
	avg := make([]float32, len(v))
	for _, fv := range t.vals {
		for i, x := range fv {
			avg[i] += x
		}
	}
	for i := range avg {
		avg[i] /= float32(n)
	}
	text, ok = readModules(avg, s.g.d)
	return text, ok, n
}

// sameCode reports whether two lattices are one code seen in two frames: the same size, the
// centres within a third of the code apart.
func sameCode(a, b lattice) bool {
	if a.d != b.d {
		return false
	}
	ca, cb := a.centre(), b.centre()
	return math.Hypot(ca[0]-cb[0], ca[1]-cb[1]) < float64(a.d)*a.moduleSize()/3
}

// centre is the pixel position of the code's centre.
func (g lattice) centre() [2]float64 {
	t := g.transform()
	x, y := t.apply(float64(g.d)/2, float64(g.d)/2)
	return [2]float64{x, y}
}

// normalised scales module values so that the known modules read ±1 on average: frames with
// more or less contrast then weigh alike in the average.
func normalised(ext []float32, d int) ([]float32, bool) {
	sign := signMap(d)
	var a, n float64
	for i, s := range sign {
		if s != 0 {
			a += float64(s * ext[i])
			n++
		}
	}
	if n == 0 || a <= 0 {
		return nil, false
	}
	k := float32(n / a)
	out := make([]float32, len(ext))
	for i, x := range ext {
		out[i] = x * k
	}
	return out, true
}

// carry adds the previous frame's finder patterns, with half the weight of this frame's own:
// the code has moved a little since, which the fit makes up for.
func (l *locator) carry(prev []sighting) {
	for _, s := range prev {
		s.count = max(1, s.count/2)
		l.add(s)
	}
}

// Stage costs. The live reader runs an optional stage only if its expected cost still fits the
// frame's budget; the expectation is the recent maximum of what the stage took, rising at
// once and falling slowly, so a stage that turned slow is held back until it proves fast.

type stageCosts map[string]time.Duration

// newStageCosts starts from costs measured on one core of the booth machines (1280×720), on
// the slow side, so that the first frames keep the budget too.
func newStageCosts() stageCosts {
	c := stageCosts{stageModules: 6 * time.Millisecond, liveEvery[0].String(): 3 * time.Millisecond}
	for _, a := range liveRescue {
		c[a.String()] = 4 * time.Millisecond
	}
	return c
}

// fits reports whether stage can still run in a frame that has taken elapsed so far. A stage
// held back sees its expected cost decay, so that one slow run does not bar it for good.
func (c stageCosts) fits(stage string, elapsed, budget time.Duration) bool {
	if elapsed+c[stage] <= budget {
		return true
	}
	c.decay(stage)
	return false
}

// decay lowers the expected cost of a stage that was held back.
func (c stageCosts) decay(stage string) { c[stage] -= c[stage] / 16 }

// time runs a stage and learns its cost, measured by clock.
func (c stageCosts) time(stage string, clock func() time.Duration, run func() (string, bool)) (string, bool) {
	t0 := clock()
	text, ok := run()
	d := clock() - t0
	c[stage] = max(d, c[stage]-(c[stage]-d)/8)
	return text, ok
}
