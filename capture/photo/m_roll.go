package photo

import "math"

// roll: the head is upright: the eye line is within ±8° of horizontal (ISO/IEC 39794-5).
type roll struct{}

const maxRollDeg = 8

func (roll) Name() string { return "roll" }

func (roll) Measure(s *Session) Measurement {
	if !s.HasFace || !s.FaceInFrame {
		return skip("", "no face wholly in the frame")
	}
	return check(math.Abs(s.Roll) <= maxRollDeg, "", HeadTilted, s.Roll, maxRollDeg,
		"ISO/IEC 39794-5: roll within ±8°", "eye line tilted %.1f°, limit ±%.0f°")
}
