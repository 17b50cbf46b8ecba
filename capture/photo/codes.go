package photo

// A Code names one photo problem (DESIGN §2). The codes are a stable interface: the kiosk's
// messages, the CLI's JSON and the tests use them.
type Code string

// The problem codes. A Result lists its problems in the order of Codes, most important first.
const (
	NotAnImage         Code = "not_an_image"
	NoFace             Code = "no_face"
	MultipleFaces      Code = "multiple_faces"
	FaceCutOff         Code = "face_cut_off"
	FaceTooLarge       Code = "face_too_large"
	FaceTooSmall       Code = "face_too_small"
	FaceOffCenter      Code = "face_off_center"
	LowResolution      Code = "low_resolution"
	EyesNotVisible     Code = "eyes_not_visible"
	HeadCovering       Code = "head_covering"
	NotFrontal         Code = "not_frontal"
	HeadTilted         Code = "head_tilted"
	FaceOccluded       Code = "face_occluded"
	TooDark            Code = "too_dark"
	TooBright          Code = "too_bright"
	Blurry             Code = "blurry"
	BackgroundNotPlain Code = "background_not_plain"
	ShadowOnBackground Code = "shadow_on_background"
)

// Codes lists every code in priority order, as an examiner ranks them. Who is in the picture
// comes first, then a covered head. A photo too dark, too bright or blurred comes before
// everything judged from its pixels (the background cannot be judged on it). The setting
// behind the person comes next: where a photo has several faults, examiners name a busy
// background before the pose. Then the head leaving the frame and what covers the face, which
// come before the eyes (a hand or hair over an eye, or a face cut by the frame, is what hides
// them); then the pose; then the framing a crop cannot fix; a shadow last.
var Codes = []Code{
	NotAnImage, NoFace, MultipleFaces,
	HeadCovering,
	TooDark, TooBright, Blurry,
	BackgroundNotPlain,
	FaceCutOff, FaceOccluded, EyesNotVisible,
	NotFrontal, HeadTilted,
	FaceTooLarge, FaceOffCenter, FaceTooSmall, LowResolution,
	ShadowOnBackground,
}

// priority is the position of c in Codes (lower comes first).
func priority(c Code) int {
	for i, x := range Codes {
		if x == c {
			return i
		}
	}
	return len(Codes)
}
