package photo

import "math"

// yaw: the face looks straight at the camera (not turned). Two cues from the landmarks must
// agree: the nose tip, which stands in front of the face, shifts sideways from the eye
// midpoint, and the eye-to-ear distances become unequal as one ear turns away. ISO/IEC 39794-5
// allows ±5°; the landmarks are coarser than that (a frontal face can show a nose offset of
// 0.1 of the eye distance), so the limits sit where a turn is plainly visible, about 20°.
type yaw struct{}

const (
	maxNoseOffset = 0.13 // of the eye distance: atan(0.13/0.33) ≈ 21°
	maxEarAsym    = 0.40
)

func (yaw) Name() string { return "yaw" }

func (yaw) Measure(s *Session) Measurement {
	if !s.HasFace || !s.FaceInFrame {
		return skip("", "no face wholly in the frame")
	}
	n, e := s.noseOffset(), s.earAsymmetry()
	const rule = "frontal pose (ISO/IEC 39794-5 yaw ±5°, within what the landmarks can tell): nose offset and ear asymmetry"
	turned := math.Abs(n) > maxNoseOffset && math.Abs(e) > maxEarAsym && (n > 0) == (e > 0)
	if turned {
		return fail("", NotFrontal, s.yawDeg(), math.Atan(maxNoseOffset/noseDepthIED)*180/math.Pi, rule,
			"head turned: nose offset and ear asymmetry agree")
	}
	return pass("", s.yawDeg(), math.Atan(maxNoseOffset/noseDepthIED)*180/math.Pi, rule)
}
