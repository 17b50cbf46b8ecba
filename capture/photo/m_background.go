package photo

import (
	"fmt"
	"math"
	"sort"
)

// backgroundPlain: the background that will be in the photo is plain: one colour, no pattern,
// no objects. Measured on the background inside the crop above the chin: its structure (mean
// luminance gradient, as OFIQ's background uniformity, on the fixed-scale view so that sensor
// grain is averaged away) and its colour spread; and the share of the crop that the person's
// silhouette spills into, which grows when the "background" is really scenery touching them.
type backgroundPlain struct{}

const (
	maxBgGradient  = 0.6  // L* per view pixel
	maxBgColour    = 12.0 // 90th percentile ΔE from the background colour
	minBgArea      = 0.08 // share of the crop that must be visible background to judge it
	backgroundRule = "J-LIS: plain background without pattern or objects (ISO/IEC 29794-5 background uniformity)"
)

func (backgroundPlain) Name() string { return "background_plain" }

func (backgroundPlain) Measure(s *Session) Measurement {
	if !s.HasFace || !s.bgOK {
		return skip("", "no face or no background sample")
	}
	st := s.backgroundStats()
	if st.area < minBgArea {
		return fail("", BackgroundNotPlain, st.area, minBgArea, backgroundRule,
			fmt.Sprintf("only %.0f%% of the crop reads as background", 100*st.area))
	}
	switch {
	case st.gradient > maxBgGradient:
		return fail("", BackgroundNotPlain, st.gradient, maxBgGradient, backgroundRule,
			fmt.Sprintf("background structure %.2f over %.2f", st.gradient, maxBgGradient))
	case st.colour > maxBgColour:
		return fail("", BackgroundNotPlain, st.colour, maxBgColour, backgroundRule,
			fmt.Sprintf("background colour spread ΔE %.1f over %.1f", st.colour, maxBgColour))
	}
	return pass("", st.gradient, maxBgGradient, backgroundRule)
}

type bgStats struct {
	area     float64 // background pixels / crop pixels above the chin
	gradient float64 // mean gradient magnitude
	colour   float64 // 90th percentile ΔE from Bg
	n        int
}

func (s *Session) backgroundStats() bgStats {
	v := s.v
	var st bgStats
	crop := 0
	var d []float64
	for i, in := range s.bgMask {
		if !in || s.shadowLike(i) { // a shadow is the shadow measure's finding
			continue
		}
		st.n++
		st.gradient += float64(v.grad[i])
		d = append(d, v.deltaE(i, s.Bg))
	}
	for y := 0; y < v.h && float64(y) < s.chinV; y++ {
		for x := 0; x < v.w; x++ {
			if v.valid[y*v.w+x] && s.inCrop(x, y) {
				crop++
			}
		}
	}
	if crop > 0 {
		st.area = float64(st.n) / float64(crop)
	}
	if st.n > 0 {
		st.gradient /= float64(st.n)
		sort.Float64s(d)
		st.colour = d[int(math.Min(float64(len(d)-1), 0.9*float64(len(d))))]
	}
	return st
}
