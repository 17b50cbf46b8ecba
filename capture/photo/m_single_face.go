package photo

// singleFace: exactly one face (OFIQ "single face present"). Faces much smaller than the main
// one are people far behind: they make the background busy, they are not a second sitter.
type singleFace struct{}

func (singleFace) Name() string { return "single_face" }

func (singleFace) Measure(s *Session) Measurement {
	n := float64(len(s.Faces))
	const rule = "one sitter; faces under 60% of the main face's size are background"
	switch {
	case n == 0:
		return fail("", NoFace, n, 1, rule, "no face found")
	case n > 1:
		return fail("", MultipleFaces, n, 1, rule, "more than one face of comparable size")
	}
	return pass("", n, 1, rule)
}
