package booth

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The upload spec of the photo file (DESIGN §1: "JPEG, RGB, 20 KB – 7 MB, each side
// 480–6000 px"). The spec does not say whether a KB is 1,000 or 1,024 bytes, so the booth keeps
// to what passes under both readings: at least 20 KiB, at most 7,000,000 bytes.
const (
	MinPhotoBytes = 20 << 10
	MaxPhotoBytes = 7_000_000
	MinPhotoSide  = 480
	MaxPhotoSide  = 6000
)

// ValidatePhotoJPEG checks a photo file against the upload spec: size, JPEG with its end
// marker, three colour channels, sides, and image data that decodes in full. The intake checks
// the same, so nothing is queued that it would refuse for good.
func ValidatePhotoJPEG(photo []byte) error {
	if len(photo) < MinPhotoBytes || len(photo) > MaxPhotoBytes {
		return fail(PhotoSize, "photo is %d bytes, want %d–%d", len(photo), MinPhotoBytes, MaxPhotoBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(photo))
	if err != nil || format != "jpeg" {
		return fail(PhotoNotJPEG, "photo is not a JPEG")
	}
	// A truncated file decodes its header fine: the end-of-image marker must be there.
	if !bytes.HasSuffix(bytes.TrimRight(photo, "\x00"), []byte{0xFF, 0xD9}) {
		return fail(PhotoTruncated, "photo has no JPEG end-of-image marker")
	}
	if cfg.ColorModel != color.YCbCrModel {
		return fail(PhotoNotRGB, "photo is not a 3-channel (RGB) JPEG")
	}
	if cfg.Width < MinPhotoSide || cfg.Height < MinPhotoSide || cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide {
		return fail(PhotoDimensions, "photo is %d×%d px, want sides %d–%d", cfg.Width, cfg.Height, MinPhotoSide, MaxPhotoSide)
	}
	// A header and an end marker say nothing of the data between them (a file cut short with
	// the marker appended, a header edited to claim other sides, random data): decode it all.
	// The sides checked above bound what decoding allocates (at most 6000×6000 YCbCr).
	if _, err := jpeg.Decode(bytes.NewReader(photo)); err != nil {
		return fail(PhotoTruncated, "photo image data does not decode: it is incomplete or damaged")
	}
	return nil
}

// PhotoCheck summarises the check of the submitted photo, as it travels with the application.
type PhotoCheck struct {
	// OK is the checker's verdict.
	OK bool `json:"ok"`
	// Problems are the checker's problem codes (DESIGN §2), most important first; empty when OK.
	Problems []string `json:"problems,omitempty"`
	// OverrideReason is staff's reason for accepting a flagged photo as it is ("" when not).
	OverrideReason string `json:"override_reason,omitempty"`
}

// Overridden reports whether staff accepted a photo the checker flagged.
func (p PhotoCheck) Overridden() bool { return p.OverrideReason != "" }

// NotAnImage is the photo problem code of a file that is not a usable image at all.
const NotAnImage = "not_an_image"

// PhotoProblemCodes are the photo checker's problem codes (capture/photo.Codes, in its order;
// a test keeps the two the same). A photo check records only these: the intake refuses any
// other word, so nothing but a known code travels or is stored.
var PhotoProblemCodes = []string{
	NotAnImage, "no_face", "multiple_faces",
	"head_covering",
	"too_dark", "too_bright", "blurry",
	"background_not_plain",
	"face_cut_off", "face_occluded", "eyes_not_visible",
	"not_frontal", "head_tilted",
	"face_too_large", "face_off_center", "face_too_small", "low_resolution",
	"shadow_on_background",
}

// The staff override policy.
const (
	// ResidentTries is how many refused photos a resident takes before the kiosk offers staff
	// help; a resident can never use a refused photo alone.
	ResidentTries = 3
	// MaxOverrideReasonBytes bounds staff's reason (it travels to the intake).
	MaxOverrideReasonBytes = 500
)

// AcceptPhoto applies the override policy to a checked photo: a photo the check passed is
// used as it is; a flagged one only when staff give a reason (recorded with the application);
// a file that is not an image, never.
func AcceptPhoto(check PhotoCheck, overrideReason string) (PhotoCheck, error) {
	check.OverrideReason = ""
	if check.OK {
		return check, nil
	}
	for _, p := range check.Problems {
		if p == NotAnImage {
			return check, fail(OverrideNotAllowed, "a file that is not an image cannot be accepted")
		}
	}
	reason := strings.TrimSpace(overrideReason)
	if reason == "" {
		return check, fail(PhotoRejected, "the photo check flagged %s", strings.Join(check.Problems, ","))
	}
	if err := checkOverrideReason(reason); err != nil {
		return check, err
	}
	check.OverrideReason = reason
	return check, nil
}

func checkOverrideReason(r string) error {
	if len(r) > MaxOverrideReasonBytes {
		return fail(OverrideReasonLong, "override reason of %d bytes, limit %d", len(r), MaxOverrideReasonBytes)
	}
	if !utf8.ValidString(r) || strings.IndexFunc(r, unicode.IsControl) >= 0 {
		return fail(PhotoCheckInvalid, "override reason has control characters or invalid UTF-8")
	}
	return nil
}

// validate checks a recorded photo check: known codes, no more of them than there are, and a
// flagged photo only with a reason.
func (p PhotoCheck) validate() error {
	if len(p.Problems) > len(PhotoProblemCodes) {
		return fail(PhotoCheckInvalid, "%d problem codes, more than there are", len(p.Problems))
	}
	for _, c := range p.Problems {
		if !slices.Contains(PhotoProblemCodes, c) {
			return fail(PhotoCheckInvalid, "a problem code is not one of the photo checker's")
		}
	}
	if p.OverrideReason != "" {
		if err := checkOverrideReason(p.OverrideReason); err != nil {
			return err
		}
	}
	if !p.OK && p.OverrideReason == "" {
		return fail(PhotoRejected, "a flagged photo without staff's override")
	}
	return nil
}
