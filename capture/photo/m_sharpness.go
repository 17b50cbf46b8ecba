package photo

import "math"

// sharpness: the face is in focus. Fine detail (the difference between the face and a lightly
// smoothed copy) is compared with coarser detail (between the lightly and the more smoothed
// copies): the ratio does not depend on contrast or skin tone, and the view fixes the scale, so
// it falls only when the photo itself is blurred.
type sharpness struct{}

var detailBox = box{-0.6, -0.35, 0.6, 1.15}

const minSharpness = 0.52

func (sharpness) Name() string { return "sharpness" }

func (sharpness) Measure(s *Session) Measurement {
	if !s.HasFace {
		return skip("", "no face")
	}
	v := s.v
	var fine, coarse float64
	n := 0
	s.pixels(detailBox, func(i int) {
		fine += math.Abs(float64(v.l[i] - v.l1[i]))
		coarse += math.Abs(float64(v.l1[i] - v.ls[i]))
		n++
	})
	if n == 0 || coarse == 0 {
		return skip("", "face outside the frame")
	}
	r := fine / coarse
	return check(r >= minSharpness, "", Blurry, r, minSharpness,
		"J-LIS: not blurred (ISO/IEC 29794-5 sharpness)", "fine detail ratio %.2f under %.2f")
}
