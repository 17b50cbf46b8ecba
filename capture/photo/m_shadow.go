package photo

import "fmt"

// backgroundShadow: no shadow of the person falls on the background. A cast shadow is
// background of the same chromaticity with less light, smooth, lying along the silhouette;
// it is measured in a band around the person inside the crop.
type backgroundShadow struct{}

const maxShadow = 0.10 // share of the band around the person that is in shadow

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

// shadowFraction is the share of background pixels within half a unit of the person that
// look like the background in shadow.
func (s *Session) shadowFraction() (float64, int) {
	v := s.v
	near := dilate(s.person, v.w, v.h, int(0.5*v.unit))
	n, dark := 0, 0
	for i, in := range s.bgMask {
		if !in || !near[i] {
			continue
		}
		n++
		if s.shadowLike(i) {
			dark++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(dark) / float64(n), n
}
