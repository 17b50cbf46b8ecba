package photo

import (
	"fmt"
	"math"
)

// backgroundShadow: no shadow of the person falls on the background. A cast shadow is the
// wall with less light: the same chromaticity, 6–70% less light, smooth, lying along the
// silhouette. Soft shadows on a light wall are shallow and wide, and may darken the very
// samples the background colour is taken from, so each pixel beside the person (within
// shadowNearU of the silhouette, inside the crop) is compared with the lit wall on its own row
// and side further out (beyond shadowFarU): a light falling off across the wall darkens both
// alike, a shadow only the pixels near the person.
type backgroundShadow struct{}

const (
	maxShadow   = 0.10 // share of the band around the person that is in shadow
	shadowNearU = 0.45 // the band around the person, in u
	shadowFarU  = 0.8  // the lit wall of reference lies further than this from the person
	minRefWall  = 6    // wall pixels a row needs to give its own reference
	// A soft shadow's edge takes little light away: beside the person, 6% less light than the
	// lit wall of the same row counts (a plain wall's own unevenness over a few centimetres is
	// under 3%). Elsewhere (background statistics) only 10% does.
	nearShadowDim = 0.94
	shadowDim     = 0.9
)

func (backgroundShadow) Name() string { return "background_shadow" }

func (backgroundShadow) Measure(s *Session) Measurement {
	if !s.HasFace || !s.bgOK {
		return skip("", "no face or no background sample")
	}
	frac, n := s.shadowFraction()
	if n == 0 {
		return skip("", "no background beside the person")
	}
	const rule = "J-LIS: no shadow on the background"
	if frac > maxShadow {
		return fail("", ShadowOnBackground, frac, maxShadow, rule, fmt.Sprintf("%.0f%% of the background beside the person is in shadow", 100*frac))
	}
	return pass("", frac, maxShadow, rule)
}

// shadowFraction is the share of background pixels within shadowNearU of the person that look
// like the wall of their row in shadow.
func (s *Session) shadowFraction() (float64, int) {
	v := s.v
	near := dilate(s.person, v.w, v.h, int(shadowNearU*v.unit))
	ref := s.litWall(dilate(s.person, v.w, v.h, int(shadowFarU*v.unit)))
	n, dark := 0, 0
	for i, in := range s.bgMask {
		if !in || !near[i] {
			continue
		}
		n++
		side := 0
		if float64(i%v.w) >= v.eyeV.X {
			side = 1
		}
		if s.shadowedAgainst(i, ref[side][i/v.w], nearShadowDim) {
			dark++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(dark) / float64(n), n
}

// litWall is, for each side of the face (0: image left) and each view row, the mean colour of
// the wall on that row away from the person (pixels outside far that have the background's
// colour). Rows with too few such pixels take the nearest row's; a side without any takes the
// other side's, and without either the background colour.
func (s *Session) litWall(far []bool) [2][]lab {
	v := s.v
	var out [2][]lab
	var have [2][]bool
	for side := range out {
		out[side] = make([]lab, v.h)
		have[side] = make([]bool, v.h)
	}
	t := s.fgThreshold()
	for y := 0; y < v.h; y++ {
		var sum [2]lab
		var cnt [2]int
		for x := 0; x < v.w; x++ {
			i := y*v.w + x
			if !v.valid[i] || far[i] || v.deltaE(i, s.Bg) > t {
				continue
			}
			side := 0
			if float64(x) >= v.eyeV.X {
				side = 1
			}
			sum[side].L += float64(v.ls[i])
			sum[side].A += float64(v.as[i])
			sum[side].B += float64(v.bs[i])
			cnt[side]++
		}
		for side := range out {
			if c := float64(cnt[side]); cnt[side] >= minRefWall {
				out[side][y] = lab{sum[side].L / c, sum[side].A / c, sum[side].B / c}
				have[side][y] = true
			}
		}
	}
	for side := range out {
		if !fillRows(out[side], have[side]) && !fillRows(out[side], have[1-side]) {
			for y := range out[side] {
				out[side][y] = s.Bg
			}
		}
	}
	return out
}

// fillRows gives the rows without a value (have false) the value of the nearest row with one,
// copying from rows of have's own side when it is the other side's. It reports false when no
// row has a value.
func fillRows(rows []lab, have []bool) bool {
	last := -1
	for y := range rows {
		if have[y] {
			last = y
		}
	}
	if last < 0 {
		return false
	}
	src := append([]lab(nil), rows...)
	prev := -1
	for y := range rows {
		if have[y] {
			prev = y
			rows[y] = src[y]
			continue
		}
		next := -1
		for k := y + 1; k < len(rows); k++ {
			if have[k] {
				next = k
				break
			}
		}
		switch {
		case prev < 0:
			rows[y] = src[next]
		case next < 0 || y-prev <= next-y:
			rows[y] = src[prev]
		default:
			rows[y] = src[next]
		}
	}
	return true
}

// shadowedAgainst reports whether view pixel i looks like the colour ref in shadow: the same
// chromaticity (in CIELAB, a* and b* shrink with lightness as (L*+16)/116 when the light is
// dimmed), between 30% and maxRatio of its light, and smooth, where hair or objects would have
// texture.
func (s *Session) shadowedAgainst(i int, ref lab, maxRatio float64) bool {
	v := s.v
	l := float64(v.ls[i])
	ratio := cube((l+16)/116) / cube((ref.L+16)/116)
	if ratio < 0.3 || ratio > maxRatio {
		return false
	}
	k := (l + 16) / (ref.L + 16)
	da, db := float64(v.as[i])-k*ref.A, float64(v.bs[i])-k*ref.B
	return math.Hypot(da, db) < shadowChroma && v.grad[i] < shadowMaxGrad
}
