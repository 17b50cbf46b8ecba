package photo

import "fmt"

// resolution: the crop holds enough source pixels for an ID photo. The limit is the ISO/IEC
// 19794-5 token image (240 px wide, 60 px between the eyes), the least a face image may carry;
// the submitted JPEG is resampled to OutputWidth either way. A face that is small in a large
// frame means the person stands too far (face_too_small); a small image is low_resolution.
type resolution struct{}

const minCropWidth = 240

func (resolution) Name() string { return "resolution" }

func (resolution) Measure(s *Session) Measurement {
	if !s.HasFace {
		return skip("", "no face")
	}
	const rule = "ISO/IEC 19794-5 token image: at least 240 px across the 35 mm width"
	w := s.Plan.W
	if w >= minCropWidth {
		return pass("", w, minCropWidth, rule)
	}
	detail := fmt.Sprintf("the crop is %.0f px wide, under %d", w, minCropWidth)
	if float64(s.H) >= 2*s.Plan.H {
		return fail("", FaceTooSmall, w, minCropWidth, rule, detail+": the face is small in the frame")
	}
	return fail("", LowResolution, w, minCropWidth, rule, detail)
}
