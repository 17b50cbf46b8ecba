package photo

import "fmt"

// headSize: a compliant 35:45 crop (head 32–36 mm of 45, 2–6 mm above it, face centred within
// ±2 mm) fits inside the frame. The head being cut off is headInFrame's finding; here the
// crop fails only for size or position.
type headSize struct{}

func (headSize) Name() string { return "head_size_position" }

func (headSize) Measure(s *Session) Measurement {
	if !s.HasFace {
		return skip("", "no face")
	}
	p := s.Plan
	value := p.Spare / p.pixelsPerMM() // mm the best crop has to spare (negative: missing)
	switch {
	case p.Fits:
		return pass("", value, 0, geometryRule)
	case p.Short == shortSize:
		return fail("", FaceTooLarge, value, 0, geometryRule,
			fmt.Sprintf("even a crop with the head at %.0f mm is %.1f mm larger than the frame", headMaxMM, -value))
	case p.Short == shortSide:
		return fail("", FaceOffCenter, value, 0, geometryRule,
			fmt.Sprintf("a crop centred on the face leaves the frame by %.1f mm", -value))
	}
	// Top or bottom: reported by headInFrame as the head being cut off.
	return pass("", value, 0, geometryRule)
}
