package photo

// pitch: the head is neither tipped forward (looking down) nor back (looking up), judged by
// where the nose tip falls between the eye line and the mouth.
type pitch struct{}

// Limits of the nose position: on level faces the nose tip sits a little over half-way from
// the eye line to the mouth (0.5–0.6); the landmarks spread frontal faces over 0.38–0.63, so
// only a plain tip of the head, beyond that spread, is refused.
const (
	minPitchRatio = 0.33
	maxPitchRatio = 0.72
)

func (pitch) Name() string { return "pitch" }

func (pitch) Measure(s *Session) Measurement {
	if !s.HasFace || !s.FaceInFrame {
		return skip("", "no face wholly in the frame")
	}
	r := s.pitchRatio()
	const rule = "frontal pose: nose tip between the eye line and the mouth as on a level head"
	switch {
	case r < minPitchRatio:
		return fail("", NotFrontal, r, minPitchRatio, rule, "head tipped back (looking up)")
	case r > maxPitchRatio:
		return fail("", NotFrontal, r, maxPitchRatio, rule, "head tipped forward (looking down)")
	}
	return pass("", r, maxPitchRatio, rule)
}
