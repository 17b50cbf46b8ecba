package photo

// headCovering: no hat, cap or scarf. Between the eyebrows and the top of the head there is
// forehead skin and hair; a covering puts a band of something else right above the brows.
type headCovering struct{}

var foreheadBox = box{-0.45, -0.85, 0.45, -0.5}

const minForeheadSkin = 0.15

func (headCovering) Name() string { return "head_covering" }

func (headCovering) Measure(s *Session) Measurement {
	if !s.HasFace || !s.skinOK {
		return skip("", "no face")
	}
	n, sk := 0, 0
	s.pixels(foreheadBox, func(i int) {
		n++
		if s.skinLike(i) {
			sk++
		}
	})
	if n == 0 {
		return skip("", "forehead outside the frame")
	}
	f := float64(sk) / float64(n)
	return pass("", f, minForeheadSkin, "J-LIS: no head covering (religious or medical allowed by operator option)")
}
