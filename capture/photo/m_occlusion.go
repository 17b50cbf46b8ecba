package photo

import (
	"fmt"
	"math"

	"github.com/idbooth/idbooth/capture/face"
)

// occlusion: nothing in front of or against the face: no hand, phone or object. Beside a
// frontal head, at the height of the face, there is hair or background; a hand there shows as
// skin of the face's own colour that is not the wall's colour. The ears are left out.
type occlusion struct{}

// maxSideSkin is the share of either side region that may look like skin: frontal faces give
// at most 1%; a hand at the temple or cheek covers 10% or more.
const maxSideSkin = 0.06

var (
	leftOfFace  = box{-2.2, -1.2, -1.2, 1.0}
	rightOfFace = box{1.2, -1.2, 2.2, 1.0}
)

func (occlusion) Name() string { return "occlusion" }

func (occlusion) Measure(s *Session) Measurement {
	if why := s.skinUnreadable(); why != "" {
		return skip("", why)
	}
	ears := [2]point{s.landmarkV(face.RightEar), s.landmarkV(face.LeftEar)}
	earR := 0.35 * s.v.unit
	worst := 0.0
	for _, b := range []box{leftOfFace, rightOfFace} {
		n, sk := 0, 0
		s.pixels(b, func(i int) {
			x, y := float64(i%s.v.w), float64(i/s.v.w)
			for _, e := range ears {
				if math.Hypot(x-e.X, y-e.Y) < earR {
					return
				}
			}
			n++
			if s.handLike(i) && !s.bgLike(i) {
				sk++
			}
		})
		if n > 0 {
			worst = max(worst, float64(sk)/float64(n))
		}
	}
	const rule = "J-LIS: nothing covering the face"
	if worst > maxSideSkin {
		return fail("", FaceOccluded, worst, maxSideSkin, rule, fmt.Sprintf("%.0f%% of the area beside the face looks like a hand", 100*worst))
	}
	return pass("", worst, maxSideSkin, rule)
}

// handLike reports whether raw view pixel i could be a hand of this person: the face's skin
// colour, lit about as the face is. Tighter than skinLike, so that light brown or blond hair
// beside the face does not pass for a hand.
func (s *Session) handLike(i int) bool {
	v := s.v
	da, db := float64(v.a[i])-s.Skin.A, float64(v.b[i])-s.Skin.B
	dl := float64(v.l[i]) - s.Skin.L
	return math.Hypot(da, db) < handChromaTol && math.Abs(dl) < handLightTol
}

const (
	handChromaTol = 8.0
	handLightTol  = 20.0
)

// bgLike reports whether view pixel i has the background's colour.
func (s *Session) bgLike(i int) bool { return s.bgOK && s.v.deltaE(i, s.Bg) <= s.fgThreshold() }
