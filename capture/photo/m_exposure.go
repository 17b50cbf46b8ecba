package photo

// exposure: the face is neither too dark nor too bright. Dark skin is not under-exposure: a
// photo is too dark only when the whole scene is dark (nothing in it reaches a light tone),
// and too bright when much of the face is blown out to white.
type exposure struct{}

var faceBox = box{-0.55, -0.2, 0.55, 1.1}

const (
	minFaceL      = 25.0 // mean L* of the face
	minSceneL     = 45.0 // the 98th percentile of L* in the view: something is lit
	maxClipped    = 0.15 // fraction of face pixels at L* ≥ 97
	exposureRuleD = "J-LIS: not too dark (ISO/IEC 29794-5 under-exposure)"
	exposureRuleB = "J-LIS: not too bright (ISO/IEC 29794-5 over-exposure)"
)

func (exposure) Name() string { return "exposure" }

func (exposure) Measure(s *Session) Measurement {
	if !s.HasFace {
		return skip("", "no face")
	}
	e, ok := s.faceExposure()
	if !ok {
		return skip("", "face outside the frame")
	}
	switch {
	case e.dark():
		return fail("", TooDark, e.mean, minFaceL, exposureRuleD, "face and scene dark")
	case e.bright():
		return fail("", TooBright, e.clipped, maxClipped, exposureRuleB, "face blown out")
	}
	return pass("", e.mean, minFaceL, exposureRuleD)
}

type faceExposure struct{ mean, clipped, scene float64 }

func (e faceExposure) dark() bool   { return e.mean < minFaceL && e.scene < minSceneL }
func (e faceExposure) bright() bool { return e.clipped > maxClipped }

// faceExposure measures the face's mean L*, its share of blown-out pixels and the scene's
// brightness.
func (s *Session) faceExposure() (faceExposure, bool) {
	var n, clipped int
	var sum float64
	s.pixels(faceBox, func(i int) {
		n++
		sum += float64(s.v.l[i])
		if s.v.l[i] >= 97 {
			clipped++
		}
	})
	if n == 0 {
		return faceExposure{}, false
	}
	return faceExposure{mean: sum / float64(n), clipped: float64(clipped) / float64(n), scene: s.sceneBrightness()}, true
}

// sceneBrightness is the 98th percentile of L* over the view.
func (s *Session) sceneBrightness() float64 {
	var hist [101]int
	n := 0
	for i, ok := range s.v.valid {
		if ok {
			hist[min(100, max(0, int(s.v.l[i])))]++
			n++
		}
	}
	need := int(0.02 * float64(n))
	for l := 100; l >= 0; l-- {
		need -= hist[l]
		if need < 0 {
			return float64(l)
		}
	}
	return 0
}
