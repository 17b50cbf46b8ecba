package photo

import "fmt"

// headInFrame: the whole head, from the top of the hair to the chin, is inside the frame with
// the margins the photo needs above the crown and below the chin. Hair touching the top edge
// counts as cut off.
type headInFrame struct{}

func (headInFrame) Name() string { return "head_in_frame" }

func (headInFrame) Measure(s *Session) Measurement {
	if !s.HasFace {
		return skip("", "no face")
	}
	hd, p := s.Head, s.Plan
	ppm := p.pixelsPerMM()
	// Room around the head in photo millimetres.
	above := hd.CrownY / ppm
	below := (float64(s.H) - hd.ChinY) / ppm
	side := min(hd.Left, float64(s.W)-hd.Right) / ppm
	value := min(above-topMinMM, below-bottomMinMM, side)
	switch {
	case s.CrownAtEdge:
		return fail("", FaceCutOff, value, 0, geometryRule, "the hair reaches the top edge of the frame")
	case side < 0:
		return fail("", FaceCutOff, value, 0, geometryRule, fmt.Sprintf("the head leaves the frame by %.1f mm at the side", -side))
	case below < 0:
		return fail("", FaceCutOff, value, 0, geometryRule, fmt.Sprintf("the chin is %.1f mm below the frame", -below))
	case !p.Fits && p.Short == shortTop:
		return fail("", FaceCutOff, value, 0, geometryRule, fmt.Sprintf("%.1f mm above the head, the photo needs %.0f", above, topMinMM))
	case !p.Fits && p.Short == shortBottom:
		return fail("", FaceCutOff, value, 0, geometryRule, fmt.Sprintf("%.1f mm below the chin, the photo needs %.0f", below, bottomMinMM))
	}
	return pass("", value, 0, geometryRule)
}
