// Package upload sends queued applications to the operator's intake server, exactly once
// whatever happens in between, and defines the wire format both sides use (wire.go).
package upload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // the photo is a JPEG
	"regexp"
	"strings"
	"time"

	"github.com/idbooth/idbooth/storage"
)

// The wire contract: PUT {base}/v1/applications/{uuid} with "Authorization: Bearer TOKEN" and
// an Application as JSON. 201 (created) and 200 (already held, same content) both answer with
// an Answer; 409 means the UUID is held with other content; other 4xx are permanent refusals
// with an ErrorAnswer; 5xx are temporary.
const (
	// PathPrefix is the path of the applications collection; the UUID follows it.
	PathPrefix = "/v1/applications/"
	// MaxRequestBytes bounds a request body: a 7 MB photo in base64 plus the fields.
	MaxRequestBytes = 10 << 20

	StatusCreated = "created"
	StatusExists  = "exists"
)

// Photo limits of the upload spec (DESIGN §1).
const (
	MinPhotoBytes = 20 * 1000
	MaxPhotoBytes = 7 * 1000 * 1000
	MinPhotoSide  = 480
	MaxPhotoSide  = 6000
)

// Application is the JSON body of a PUT.
type Application struct {
	UUID       string     `json:"uuid"`
	FormID     string     `json:"form_id"`
	BirthDate  string     `json:"birth_date"`
	Options    Options    `json:"options"`
	Channel    string     `json:"channel"`
	CardMailed bool       `json:"card_mailed"`
	BoothID    string     `json:"booth_id"`
	Receipt    string     `json:"receipt"`
	Lang       string     `json:"lang"`
	CreatedAt  time.Time  `json:"created_at"`
	PhotoCheck PhotoCheck `json:"photo_check"`
	// PhotoJPEG is base64 in JSON (encoding/json's []byte encoding).
	PhotoJPEG   []byte `json:"photo_jpeg"`
	PhotoSHA256 string `json:"photo_sha256"`
}

// Options are the resident's choices.
type Options struct {
	ECertificate bool   `json:"e_certificate"`
	Braille      bool   `json:"braille"`
	Email        string `json:"email,omitempty"`
}

// PhotoCheck is the booth's photo check summary, with staff's override reason if any.
type PhotoCheck struct {
	OK             bool     `json:"ok"`
	Problems       []string `json:"problems,omitempty"`
	OverrideReason string   `json:"override_reason,omitempty"`
}

// Answer is the body of a 200 or 201.
type Answer struct {
	UUID   string `json:"uuid"`
	Status string `json:"status"` // StatusCreated or StatusExists
}

// ErrorAnswer is the body of a refusal. It never echoes personal data.
type ErrorAnswer struct {
	Code  string `json:"code"`
	Error string `json:"error"`
}

// FromStored makes the wire form of a queued application.
func FromStored(a *storage.Application) *Application {
	sum := sha256.Sum256(a.Photo)
	return &Application{
		UUID: a.UUID, FormID: a.FormID, BirthDate: a.BirthDate,
		Options: Options{ECertificate: a.Options.ECertificate, Braille: a.Options.Braille, Email: a.Options.Email},
		Channel: string(a.Channel), CardMailed: a.CardMailed, BoothID: a.BoothID, Receipt: a.Receipt, Lang: a.Lang,
		CreatedAt:  a.CreatedAt.UTC(),
		PhotoCheck: PhotoCheck{OK: a.PhotoCheck.OK, Problems: a.PhotoCheck.Problems, OverrideReason: a.PhotoCheck.OverrideReason},
		PhotoJPEG:  a.Photo, PhotoSHA256: hex.EncodeToString(sum[:]),
	}
}

// ContentHash identifies the content of an application: a resend of the same application has
// the same hash, another application under the same UUID (a 409) has another.
func (a *Application) ContentHash() string {
	c := *a
	c.CreatedAt = c.CreatedAt.UTC()
	b, err := json.Marshal(&c)
	if err != nil {
		panic(err) // plain struct of strings, bools and bytes
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// InvalidError is a payload that breaks the contract; Code is stable, Detail for operators.
type InvalidError struct {
	Code   string
	Detail string
}

func (e *InvalidError) Error() string { return e.Code + ": " + e.Detail }

var (
	formIDPattern  = regexp.MustCompile(`^[0-9]{23}$`)
	sha256Pattern  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	problemPattern = regexp.MustCompile(`^[a-z_]{1,40}$`)
)

// Validate checks a payload against the contract: IDs, dates, channel and the photo (JPEG,
// RGB, 20 KB–7 MB, sides 480–6000 px, SHA-256 matching). It returns an *InvalidError.
func (a *Application) Validate(pathUUID string) error {
	bad := func(code, format string, args ...any) error {
		return &InvalidError{Code: code, Detail: fmt.Sprintf(format, args...)}
	}
	switch {
	case !storage.ValidUUID(a.UUID):
		return bad("bad_uuid", "uuid is not a lower-case UUID")
	case pathUUID != "" && pathUUID != a.UUID:
		return bad("uuid_mismatch", "uuid in the body differs from the one in the path")
	case !formIDPattern.MatchString(a.FormID):
		return bad("bad_form_id", "form_id is not 23 digits")
	case a.Channel != string(storage.ChannelBooth) && a.Channel != string(storage.ChannelCounter):
		return bad("bad_channel", "channel must be booth or counter")
	case a.CardMailed && a.Channel != string(storage.ChannelCounter):
		return bad("bad_channel", "only counter applications can have the card mailed")
	case a.BoothID == "" || len(a.BoothID) > 100:
		return bad("bad_booth", "booth_id missing or too long")
	case a.CreatedAt.IsZero():
		return bad("bad_created_at", "created_at missing")
	case len(a.Options.Email) > 254 || (a.Options.Email != "" && !strings.Contains(a.Options.Email, "@")):
		return bad("bad_email", "options.email is not an address")
	case a.PhotoCheck.OverrideReason != "" && len(a.PhotoCheck.OverrideReason) > 500:
		return bad("bad_photo_check", "override_reason longer than 500 bytes")
	}
	for _, p := range a.PhotoCheck.Problems {
		if !problemPattern.MatchString(p) {
			return bad("bad_photo_check", "problem code %q is not a code", p)
		}
	}
	dob, err := time.Parse(time.DateOnly, a.BirthDate)
	if err != nil {
		return bad("bad_birth_date", "birth_date is not a YYYY-MM-DD date")
	}
	if dob.After(a.CreatedAt) || dob.Year() < a.CreatedAt.Year()-130 {
		return bad("bad_birth_date", "birth_date is not plausible")
	}
	return ValidatePhoto(a.PhotoJPEG, a.PhotoSHA256)
}

// ValidatePhoto checks a photo against the upload spec and its announced SHA-256.
func ValidatePhoto(jpeg []byte, sha string) error {
	bad := func(code, format string, args ...any) error {
		return &InvalidError{Code: code, Detail: fmt.Sprintf(format, args...)}
	}
	if !sha256Pattern.MatchString(sha) {
		return bad("bad_photo_sha256", "photo_sha256 is not 64 lower-case hex digits")
	}
	if sum := sha256.Sum256(jpeg); hex.EncodeToString(sum[:]) != sha {
		return bad("photo_sha256_mismatch", "photo does not match photo_sha256")
	}
	if len(jpeg) < MinPhotoBytes || len(jpeg) > MaxPhotoBytes {
		return bad("photo_size", "photo is %d bytes, want %d–%d", len(jpeg), MinPhotoBytes, MaxPhotoBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(jpeg))
	if err != nil || format != "jpeg" {
		return bad("photo_not_jpeg", "photo is not a JPEG")
	}
	// A truncated upload decodes its header fine: the end-of-image marker must be there.
	if !bytes.HasSuffix(bytes.TrimRight(jpeg, "\x00"), []byte{0xFF, 0xD9}) {
		return bad("photo_truncated", "photo has no JPEG end-of-image marker")
	}
	if cfg.ColorModel != color.YCbCrModel {
		return bad("photo_not_rgb", "photo is not a 3-channel (RGB) JPEG")
	}
	if cfg.Width < MinPhotoSide || cfg.Height < MinPhotoSide || cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide {
		return bad("photo_dimensions", "photo is %d×%d px, want sides %d–%d", cfg.Width, cfg.Height, MinPhotoSide, MaxPhotoSide)
	}
	return nil
}
