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
	HeadCovering       Code = "head_covering" // part of the contract; no measure reports it yet
	NotFrontal         Code = "not_frontal"
	HeadTilted         Code = "head_tilted"
	FaceOccluded       Code = "face_occluded"
	TooDark            Code = "too_dark"
	TooBright          Code = "too_bright"
	Blurry             Code = "blurry"
	BackgroundNotPlain Code = "background_not_plain"
	ShadowOnBackground Code = "shadow_on_background"
)

// Codes lists every code in priority order, as an examiner ranks them (the order agrees with
// the labelled examples in ../shared/testdata): who is in the picture and whether the eyes can
// be seen; then the setting behind the person; then the pose and what touches the face; then
// the framing; then exposure and focus; a shadow last.
var Codes = []Code{
	NotAnImage, NoFace, MultipleFaces,
	HeadCovering, EyesNotVisible,
	BackgroundNotPlain,
	NotFrontal, HeadTilted, FaceOccluded,
	FaceCutOff, FaceTooLarge, FaceOffCenter, FaceTooSmall, LowResolution,
	TooDark, TooBright, Blurry,
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
