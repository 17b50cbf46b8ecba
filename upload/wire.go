// Package upload sends queued applications to the operator's intake server, exactly once
// whatever happens in between, and defines the wire format both sides use (wire.go).
package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// The wire contract: PUT {base}/v1/applications/{uuid} with "Authorization: Bearer TOKEN" and
// an Application as JSON. 201 (created) and 200 (already held, same content) both answer with
// an Answer; 409 means the UUID is held with other content; other 4xx are permanent refusals
// with an ErrorAnswer; 5xx are temporary.
const (
	// PathPrefix is the path of the applications collection; the UUID follows it.
	PathPrefix = "/v1/applications/"
	// AuthPath answers 200 to an accepted token and 401 otherwise, storing nothing.
	AuthPath = "/v1/auth"
	// MaxRequestBytes bounds a request body: a 7 MB photo in base64 plus the fields.
	MaxRequestBytes = 10 << 20

	StatusCreated = "created"
	StatusExists  = "exists"
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

// FromApplication makes the wire form of a queued application.
func FromApplication(a *booth.Application) *Application {
	sum := sha256.Sum256(a.Photo)
	return &Application{
		UUID: a.UUID, FormID: string(a.FormID), BirthDate: a.BirthDate.String(),
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

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// wireCodes are the intake's refusal codes for the application rules (package booth); the
// photo codes pass through unchanged.
var wireCodes = map[booth.Code]string{
	booth.UUIDInvalid:          "bad_uuid",
	booth.FormIDInvalid:        "bad_form_id",
	booth.BirthDateInvalid:     "bad_birth_date",
	booth.BirthDateFuture:      "bad_birth_date",
	booth.BirthDateImplausible: "bad_birth_date",
	booth.ChannelInvalid:       "bad_channel",
	booth.CardMailedNotCounter: "bad_channel",
	booth.BoothInvalid:         "bad_booth",
	booth.LangMissing:          "bad_lang",
	booth.EmailInvalid:         "bad_email",
	booth.PhotoCheckInvalid:    "bad_photo_check",
	booth.OverrideReasonLong:   "bad_photo_check",
	booth.PhotoRejected:        "bad_photo_check",
	booth.PhotoMissing:         "photo_size",
}

// Validate checks a payload against the contract: the application's rules (booth.Validate,
// judged on the day it was created) and the photo's SHA-256. It returns an *InvalidError.
func (a *Application) Validate(pathUUID string) error {
	bad := func(code, format string, args ...any) error {
		return &InvalidError{Code: code, Detail: fmt.Sprintf(format, args...)}
	}
	switch {
	case !booth.ValidUUID(a.UUID):
		return bad("bad_uuid", "uuid is not a lower-case UUID")
	case pathUUID != "" && pathUUID != a.UUID:
		return bad("uuid_mismatch", "uuid in the body differs from the one in the path")
	case a.CreatedAt.IsZero():
		return bad("bad_created_at", "created_at missing")
	}
	dob, err := booth.ParseDate(a.BirthDate)
	if err != nil {
		return bad("bad_birth_date", "birth_date is not a YYYY-MM-DD date")
	}
	app := &booth.Application{
		UUID: a.UUID, FormID: booth.FormID(a.FormID), BirthDate: dob,
		Options:    booth.Options{ECertificate: a.Options.ECertificate, Braille: a.Options.Braille, Email: a.Options.Email},
		PhotoCheck: booth.PhotoCheck{OK: a.PhotoCheck.OK, Problems: a.PhotoCheck.Problems, OverrideReason: a.PhotoCheck.OverrideReason},
		Photo:      a.PhotoJPEG, BoothID: a.BoothID, Lang: a.Lang, Channel: booth.Channel(a.Channel), CardMailed: a.CardMailed,
	}
	// The photo's hash first: a photo damaged on the way is a transport error, not a bad photo.
	if err := checkSHA256(a.PhotoJPEG, a.PhotoSHA256); err != nil {
		return err
	}
	// A booth's clock may run a little ahead: judge the birth date on the day it was created.
	if err := app.Validate(a.CreatedAt); err != nil {
		var be *booth.Error
		if !errors.As(err, &be) {
			return bad("invalid", "%v", err)
		}
		code, ok := wireCodes[be.Code]
		if !ok {
			code = string(be.Code)
		}
		return &InvalidError{Code: code, Detail: be.Detail}
	}
	return nil
}

// ValidatePhoto checks a photo against the upload spec and its announced SHA-256.
func ValidatePhoto(jpeg []byte, sha string) error {
	if err := checkSHA256(jpeg, sha); err != nil {
		return err
	}
	if err := booth.ValidatePhotoJPEG(jpeg); err != nil {
		var be *booth.Error
		errors.As(err, &be)
		return &InvalidError{Code: string(be.Code), Detail: be.Detail}
	}
	return nil
}

func checkSHA256(jpeg []byte, sha string) error {
	if !sha256Pattern.MatchString(sha) {
		return &InvalidError{Code: "bad_photo_sha256", Detail: "photo_sha256 is not 64 lower-case hex digits"}
	}
	if sum := sha256.Sum256(jpeg); hex.EncodeToString(sum[:]) != sha {
		return &InvalidError{Code: "photo_sha256_mismatch", Detail: "photo does not match photo_sha256"}
	}
	return nil
}
