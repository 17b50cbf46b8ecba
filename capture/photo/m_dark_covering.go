package photo

import (
	"fmt"
	"math"
)

// darkCovering: no dark cap, beanie or hat. head_covering tells fabric from hair by how even
// its colour is, which dark fabric and black hair cannot show (both are near black, and the
// grain is all their texture). What tells them apart there is the shape of the lower edge and
// how it runs across the forehead. A cap's brim, a beanie's cuff or a hat's band is a straight
// edge (a level line, tilted at most with the head) low on the forehead, under
// maxDarkEdgeU above the eyes, where caps and hats sit; and the fabric above it is equally dark
// all along it. A hairline lies higher (the forehead is about 0.8u tall above the brows);
// where hair comes lower it parts, arches or is swept to a side, and its strands and sheen make
// some stretches of it lighter than others. So a dark band (median L* under minCoverL) across
// the forehead is a covering when its lower edge is found in nearly every column over the
// forehead's width, lies low, runs straight (within maxDarkEdgeBend of a line), and the band's
// lightness varies along it by no more than maxDarkBandSpread. Blunt-cut bangs as dark, even
// and straight as a brim would be taken for one: the operator then decides.
type darkCovering struct{}

const (
	darkCoverHalfU    = 0.6  // the columns over the forehead's width: ±this around the face's centre line
	minDarkCoverCols  = 0.9  // share of them that must show the edge
	maxDarkEdgeU      = 0.8  // a cap's or hat's edge lies under this height above the eyes (hairlines: 0.85u and up)
	maxDarkEdgeBend   = 0.06 // RMS distance (u) of the edge from its straight line
	maxDarkEdgeTilt   = 0.27 // slope of that line: a covering is level with the eyes, within 15°
	maxDarkBandSpread = 2.5  // median deviation of the columns' band lightness (L*) from their median
	darkBandU         = 0.3  // the band above the edge that is measured
)

func (darkCovering) Name() string { return "dark_covering" }

func (darkCovering) Measure(s *Session) Measurement {
	if why := s.skinUnreadable(); why != "" {
		return skip("", why)
	}
	if s.Blockiness > maxBlockiness {
		return skip("", "compression hides the edge")
	}
	d, ok := s.darkEdge()
	switch {
	case !ok:
		return pass("", 0, maxDarkEdgeBend, coverRule+": no edge across the forehead")
	case d.light >= minCoverL:
		return pass("", d.light, minCoverL, coverRule+": not dark (head_covering judges it)")
	case d.height > maxDarkEdgeU:
		return pass("", d.height, maxDarkEdgeU, coverRule+fmt.Sprintf(": the edge lies where a hairline does (h %.2f bend %.3f tilt %.2f spread %.1f L %.0f)", d.height, d.bend, d.tilt, d.spread, d.light))
	case d.bend > maxDarkEdgeBend || math.Abs(d.tilt) > maxDarkEdgeTilt || d.spread > maxDarkBandSpread:
		return pass("", d.bend, maxDarkEdgeBend, coverRule+fmt.Sprintf(": the edge bends or the band varies, as hair does (h %.2f bend %.3f tilt %.2f spread %.1f L %.0f)", d.height, d.bend, d.tilt, d.spread, d.light))
	case s.opts.AllowReligiousCovering && d.height >= minForeheadU:
		return pass("", d.bend, maxDarkEdgeBend, coverRule+": covering allowed, forehead visible")
	}
	return fail("", HeadCovering, d.bend, maxDarkEdgeBend, coverRule,
		fmt.Sprintf("a dark band (L* %.0f) with a straight edge %.2fu above the eyes across the forehead (bend %.3fu, lightness spread %.1f): a cap or hat",
			d.light, d.height, d.bend, d.spread))
}

type darkEdge struct {
	height float64 // median height of the edge above the eyes, u
	bend   float64 // RMS distance of the edge from its fitted line, u
	tilt   float64 // slope of that line
	light  float64 // median L* of the band above the edge
	spread float64 // median absolute deviation of the columns' band L*
}

// darkEdge follows the lower edge of what covers the forehead across its width and measures
// the band above it, column by column. It reports false when too few columns show an edge.
func (s *Session) darkEdge() (darkEdge, bool) {
	v := s.v
	u := v.unit
	x0, x1 := int(v.eyeV.X-darkCoverHalfU*u), int(v.eyeV.X+darkCoverHalfU*u)
	var xs, hs, bands []float64
	for x := x0; x <= x1; x++ {
		edge, ok := s.coverEdgeAt(x, maxCoverEdgeU)
		if !ok {
			continue
		}
		var ls []float64
		for y := edge - int(0.05*u); y > edge-int(darkBandU*u); y-- {
			i := v.at(x, y)
			if i < 0 || !v.valid[i] {
				break
			}
			ls = append(ls, float64(v.l[i]))
		}
		if len(ls) == 0 {
			continue
		}
		xs = append(xs, (float64(x)-v.eyeV.X)/u)
		hs = append(hs, (v.eyeV.Y-float64(edge))/u)
		bands = append(bands, median(ls))
	}
	if float64(len(xs)) < minDarkCoverCols*float64(x1-x0+1) {
		return darkEdge{}, false
	}
	ones := make([]float64, len(xs))
	for i := range ones {
		ones[i] = 1
	}
	a, b := lineFit(xs, hs, ones)
	var ss float64
	for i := range xs {
		ss += sq(hs[i] - a - b*xs[i])
	}
	light := median(bands)
	dev := make([]float64, len(bands))
	for i, l := range bands {
		dev[i] = math.Abs(l - light)
	}
	return darkEdge{height: median(hs), bend: math.Sqrt(ss / float64(len(xs))), tilt: b, light: light, spread: median(dev)}, true
}
