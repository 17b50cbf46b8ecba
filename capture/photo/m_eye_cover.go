package photo

import (
	"fmt"
	"math"

	"github.com/idbooth/idbooth/capture/face"
)

// hairOverEye: no hair across an eye. Around a visible eye there is skin (lids, the skin under
// the eye); strands of hair across one eye hide much of it and add fine texture, their many
// thin edges. So one eye's surroundings show much less skin than the other's and much more
// fine detail. Either alone is not enough: side light or a squint takes skin from one eye but
// also detail; glasses or sunglasses change both eyes alike; a turned head shows the far eye
// against the hair and is the pose measure's finding.
type hairOverEye struct{}

const (
	maxEyeSkinRatio = 0.6 // the covered eye shows less than this share of the other eye's skin
	minClearEyeSkin = 0.3 // the other eye is clear (not sunglasses over both)
	minStrandDetail = 1.5 // and the covered eye's surroundings have this much more fine detail
	// A lock of many thin strands lets skin show between them, but doubles the fine detail
	// (clear eyes of the labelled photos differ by at most 1.25×): then a covered eye may show
	// up to this share of the other's skin.
	maxThinLockSkinRatio = 0.85
	minThinLockDetail    = 2.0
)

func (hairOverEye) Name() string { return "hair_over_eye" }

func (hairOverEye) Measure(s *Session) Measurement {
	if why := s.skinUnreadable(); why != "" {
		return skip("", why)
	}
	if math.Abs(s.noseOffset()) > maxNoseOffset {
		return skip("", "head turned")
	}
	const rule = "J-LIS: eyes visible, nothing covering the face (hair across an eye)"
	skinR, _ := s.eyeArea(face.RightEye)
	skinL, _ := s.eyeArea(face.LeftEye)
	detR, detL := s.eyeDetail(face.RightEye), s.eyeDetail(face.LeftEye)
	weak, strong, detW, detS := skinR, skinL, detR, detL
	if skinL < skinR {
		weak, strong, detW, detS = skinL, skinR, detL, detR
	}
	if strong < minClearEyeSkin || detS == 0 {
		return skip("", "neither eye clear")
	}
	ratio, detail := weak/strong, detW/detS
	if (ratio < maxEyeSkinRatio && detail > minStrandDetail) || (ratio < maxThinLockSkinRatio && detail > minThinLockDetail) {
		return fail("", FaceOccluded, ratio, maxEyeSkinRatio, rule,
			fmt.Sprintf("one eye shows %.0f%% of the other's skin and %.1f× its fine detail: hair across it", 100*ratio, detail))
	}
	return pass("", ratio, maxEyeSkinRatio, rule)
}

// eyeDetail is the mean fine detail (|L* − L*σ1|) around eye k.
func (s *Session) eyeDetail(k face.Landmark) float64 {
	var sum float64
	n := 0
	s.pixels(s.around(k, 0.35, 0.3), func(i int) {
		sum += math.Abs(float64(s.v.l[i] - s.v.l1[i]))
		n++
	})
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
