package photo

// occlusion: nothing in front of the face: no hand, phone or object. A hand beside or on the
// face shows as skin-coloured area outside the head's outline, at the height of the face.
type occlusion struct{}

const maxSideSkin = 0.08

var (
	leftOfFace  = box{-2.2, -1.2, -1.2, 1.0}
	rightOfFace = box{1.2, -1.2, 2.2, 1.0}
)

func (occlusion) Name() string { return "occlusion" }

func (occlusion) Measure(s *Session) Measurement {
	if !s.HasFace || !s.skinOK {
		return skip("", "no face")
	}
	worst := 0.0
	for _, b := range []box{leftOfFace, rightOfFace} {
		n, sk := 0, 0
		s.pixels(b, func(i int) {
			n++
			if s.skinLike(i) && !s.bgLike(i) {
				sk++
			}
		})
		if n > 0 {
			worst = max(worst, float64(sk)/float64(n))
		}
	}
	return pass("", worst, maxSideSkin, "J-LIS: nothing covering the face")
}

// bgLike reports whether view pixel i has the background's colour.
func (s *Session) bgLike(i int) bool { return s.bgOK && s.v.deltaE(i, s.Bg) <= s.fgThreshold() }
