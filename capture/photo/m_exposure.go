package photo

import "fmt"

// exposure: the face is neither too dark nor too bright. Dark skin is not under-exposure: a
// photo is too dark only when the whole scene is dark (nothing in it reaches a light tone).
// It is too bright when much of the face is blown out to white, or when the face's highlights
// are blown out together with much of the scene (dark skin over-exposed keeps a mid-tone face).
type exposure struct{}

var faceBox = box{-0.55, -0.2, 0.55, 1.1}

const (
	minFaceL      = 25.0 // mean L* of the face
	minSceneL     = 45.0 // the 98th percentile of L* in the view: something is lit
	maxClipped    = 0.15 // fraction of face pixels at L* ≥ 97
	maxClippedHi  = 0.05 // ... when at least maxSceneClip of the view is blown out too
	maxSceneClip  = 0.20
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
		return fail("", TooBright, e.clipped, maxClipped, exposureRuleB,
			fmt.Sprintf("%.0f%% of the face and %.0f%% of the scene blown out", 100*e.clipped, 100*e.sceneClipped))
	}
	return pass("", e.mean, minFaceL, exposureRuleD)
}

type faceExposure struct{ mean, clipped, scene, sceneClipped float64 }

func (e faceExposure) dark() bool { return e.mean < minFaceL && e.scene < minSceneL }
func (e faceExposure) bright() bool {
	return e.clipped > maxClipped || (e.clipped > maxClippedHi && e.sceneClipped > maxSceneClip)
}

// faceExposure is the face's exposure, measured once per session (several measures need it).
func (s *Session) faceExposure() (faceExposure, bool) { return s.exposure, s.exposureOK }

// measureExposure measures the face's mean L*, its share of blown-out pixels and the scene's
// brightness.
func (s *Session) measureExposure() (faceExposure, bool) {
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
	scene, sceneClipped := s.sceneBrightness()
	return faceExposure{mean: sum / float64(n), clipped: float64(clipped) / float64(n), scene: scene, sceneClipped: sceneClipped}, true
}

// sceneBrightness is the 98th percentile of L* over the view, and the share of the view blown
// out (L* ≥ 97).
func (s *Session) sceneBrightness() (float64, float64) {
	var hist [101]int
	n := 0
	for i, ok := range s.v.valid {
		if ok {
			hist[min(100, max(0, int(s.v.l[i])))]++
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	clipped := 0
	for l := 97; l <= 100; l++ {
		clipped += hist[l]
	}
	need := int(0.02 * float64(n))
	for l := 100; l >= 0; l-- {
		need -= hist[l]
		if need < 0 {
			return float64(l), float64(clipped) / float64(n)
		}
	}
	return 0, float64(clipped) / float64(n)
}
