package photo

import "github.com/idbooth/idbooth/capture/face"

// eyesVisible: both eyes can be seen: no sunglasses, no hair or frame over them, no glare.
// Around a visible eye there is skin (lids, the skin under the eye) of the face's own colour;
// dark or mirrored lenses leave none, and glare on glasses leaves bright white patches.
type eyesVisible struct{}

const (
	minEyeSkin  = 0.08 // fraction of the area around each eye that is skin
	maxEyeGlare = 0.10 // fraction of that area blown out white
)

func (eyesVisible) Name() string { return "eyes_visible" }

func (eyesVisible) Measure(s *Session) Measurement {
	if why := s.skinUnreadable(); why != "" {
		return skip("", why)
	}
	const rule = "J-LIS: eyes visible (no sunglasses, no glare, no frame or hair over the eyes)"
	skin, glare := 1.0, 0.0
	for _, k := range []face.Landmark{face.RightEye, face.LeftEye} {
		sk, gl := s.eyeArea(k)
		skin, glare = min(skin, sk), max(glare, gl)
	}
	switch {
	case skin < minEyeSkin:
		return fail("", EyesNotVisible, skin, minEyeSkin, rule, "no skin around an eye: sunglasses or something over the eyes")
	case glare > maxEyeGlare:
		return fail("", EyesNotVisible, glare, maxEyeGlare, rule, "glare over an eye")
	}
	return pass("", skin, minEyeSkin, rule)
}

// eyeArea returns the fractions of skin-coloured and of blown-out pixels around eye k.
func (s *Session) eyeArea(k face.Landmark) (skin, glare float64) {
	var n, sk, gl int
	s.pixels(s.around(k, 0.28, 0.2), func(i int) {
		n++
		if s.skinLike(i) {
			sk++
		}
		if s.v.l[i] > 97 {
			gl++
		}
	})
	if n == 0 {
		return 0, 0
	}
	return float64(sk) / float64(n), float64(gl) / float64(n)
}
