package photo

import (
	"fmt"
	"math"
)

// headCovering: no hat, cap, beanie, hood or headband over the hairline. Above the forehead of
// a bare head there is skin (bald) or hair; a covering shows instead as a band of one even
// colour across the whole forehead. Hair is never that even: strands, highlights and the
// parting vary its colour by 5 ΔE and more wherever it is lit well enough to be seen, and show
// fine texture; fabric varies by 1–3 ΔE and is smooth. The band is the 0.4u above the lower
// edge of whatever covers the forehead, searched in the central columns from just above the
// brows up. Dark coverings (black caps) cannot be told from black hair this way: dark_covering
// judges them by the shape of their edge.
// With Options.AllowReligiousCovering, a covering that leaves the forehead visible down from
// it (the face outline from chin to forehead) passes.
type headCovering struct{}

const (
	maxCoverSpread   = 3.5  // median ΔE of the band from its own colour: at most this for fabric
	maxCoverTexture  = 0.03 // mean fine detail |L* − L*σ1| per unit of (L*+5): fabric is smooth
	minCoverL        = 25.0 // a band darker than this shows no hair colour variation: not judged
	minCoverColumns  = 0.6  // share of the central columns whose forehead is covered
	maxCoverEdgeU    = 1.35 // the covering's lower edge lies at most this far above the eyes
	minForeheadU     = 0.55 // a religious covering leaves this much forehead above the eyes
	coverBandU       = 0.4  // height of the band measured above the edge
	coverSearchFromU = 0.5  // the edge is searched from this far above the eyes (above the brows)
	coverRule        = "J-LIS: no hat or head covering (religious or medical ones where the face outline shows, at the operator's option)"
)

func (headCovering) Name() string { return "head_covering" }

func (headCovering) Measure(s *Session) Measurement {
	if why := s.skinUnreadable(); why != "" {
		return skip("", why)
	}
	if s.Blockiness > maxBlockiness {
		return skip("", "compression hides the texture")
	}
	c, ok := s.foreheadCover()
	switch {
	case !ok:
		return pass("", 0, maxCoverSpread, coverRule)
	case c.light < minCoverL:
		return skip("", "the hair or covering is too dark to tell apart")
	case s.skinHued(c.colour):
		return pass("", c.spread, maxCoverSpread, coverRule+": the forehead itself, lit differently")
	case c.spread > maxCoverSpread || c.texture > maxCoverTexture:
		return pass("", c.spread, maxCoverSpread, coverRule)
	case s.opts.AllowReligiousCovering && c.edgeU >= minForeheadU:
		return pass("", c.spread, maxCoverSpread, coverRule+": covering allowed, forehead visible")
	}
	return fail("", HeadCovering, c.spread, maxCoverSpread, coverRule,
		fmt.Sprintf("an even band across the forehead (ΔE spread %.1f, texture %.3f): a hat or covering", c.spread, c.texture))
}

type cover struct {
	colour  lab     // median colour of the band
	edgeU   float64 // median height of the covering's lower edge above the eyes, in u
	spread  float64 // median ΔE of the band from its median colour
	texture float64 // mean |L* − L*σ1| / (L*+5) over the band
	light   float64 // median L* of the band
}

// foreheadCover finds what covers the forehead: in each central column (±0.5u), the first
// run of three non-skin pixels going up from above the brows; the band above those edges is
// measured. It reports false when too few columns have such an edge low enough (a bald head
// or a high hairline).
func (s *Session) foreheadCover() (cover, bool) {
	v := s.v
	u := v.unit
	x0, x1 := int(v.eyeV.X-0.5*u), int(v.eyeV.X+0.5*u)
	var edges, ls, as, bs []float64
	var tex float64
	for x := x0; x <= x1; x++ {
		edge, ok := s.coverEdgeAt(x, maxCoverEdgeU)
		if !ok {
			continue
		}
		edges = append(edges, (v.eyeV.Y-float64(edge))/u)
		for y := edge - int(0.05*u); y > edge-int(coverBandU*u); y-- {
			i := v.at(x, y)
			if i < 0 || !v.valid[i] {
				break
			}
			ls = append(ls, float64(v.l[i]))
			as = append(as, float64(v.a[i]))
			bs = append(bs, float64(v.b[i]))
			tex += math.Abs(float64(v.l[i] - v.l1[i]))
		}
	}
	if float64(len(edges)) < minCoverColumns*float64(x1-x0+1) || len(ls) == 0 {
		return cover{}, false
	}
	c := lab{median(ls), median(as), median(bs)}
	d := make([]float64, len(ls))
	for i := range ls {
		d[i] = math.Sqrt(sq(ls[i]-c.L) + sq(as[i]-c.A) + sq(bs[i]-c.B))
	}
	return cover{colour: c, edgeU: median(edges), spread: median(d), texture: tex / float64(len(ls)) / (c.L + 5), light: c.L}, true
}

// coverEdgeAt is the lower edge of whatever covers the forehead in view column x: the first
// run of three pixels unlike the skin going up from coverSearchFromU above the eyes, no higher
// than maxU above them. It reports false when the column shows skin all the way (a bald head, a
// high hairline) or leaves the frame.
func (s *Session) coverEdgeAt(x int, maxU float64) (int, bool) {
	v := s.v
	yFrom, yTo := int(v.eyeV.Y-coverSearchFromU*v.unit), int(v.eyeV.Y-maxU*v.unit)
	run := 0
	for y := yFrom; y >= yTo; y-- {
		i := v.at(x, y)
		if i < 0 || !v.valid[i] {
			return 0, false
		}
		if s.skinLike(i) {
			run = 0
			continue
		}
		if run++; run == 3 {
			return y + 2, true
		}
	}
	return 0, false
}

// skinHued reports whether colour c is the face's skin under other light (a highlight or a
// shadow on the forehead): the skin's hue, and not much more saturated, since light towards
// white or into shade takes colour away. Fabric of a skin-like hue is more saturated.
func (s *Session) skinHued(c lab) bool {
	hue := math.Atan2(c.B, c.A) * 180 / math.Pi
	skinHue := math.Atan2(s.Skin.B, s.Skin.A) * 180 / math.Pi
	chroma, skinChroma := math.Hypot(c.A, c.B), math.Hypot(s.Skin.A, s.Skin.B)
	return math.Abs(hue-skinHue) < maxSkinHueShift && chroma <= maxSkinChromaGain*skinChroma
}

const (
	maxSkinHueShift   = 12.0 // degrees of hue between the skin and its highlights or shade
	maxSkinChromaGain = 1.25
)
