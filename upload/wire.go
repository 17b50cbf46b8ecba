// Package upload sends queued applications to the operator's intake server, exactly once
// whatever happens in between, and defines the wire format both sides use (wire.go).
package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// InvalidError is a payload that breaks the contract; Code is stable, Detail for operators. Detail
// never quotes the payload.
type InvalidError struct {
	Code   string
	Detail string
}

func (e *InvalidError) Error() string { return e.Code + ": " + e.Detail }

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// The refusal codes of the contract (ErrorAnswer.Code) besides the application rules' (wireCodes).
// An intake answers only codes that KnownCode accepts, and a booth keeps nothing else of an
// intake's answer: whatever other text comes from the network is not stored.
const (
	CodeUnauthorized   = "unauthorized"
	CodeTooLarge       = "too_large"
	CodeBadJSON        = "bad_json"       // not JSON, not one object, an unknown key or a wrong type
	CodeAmbiguousJSON  = "ambiguous_json" // a key twice, or a key spelled otherwise than the contract
	CodeInvalid        = "invalid"
	CodeUUIDMismatch   = "uuid_mismatch"
	CodeBadPhotoSHA256 = "bad_photo_sha256"
	CodePhotoSHA256    = "photo_sha256_mismatch"
	CodeConflict       = "conflict"
	CodeStorageFull    = "storage_full"
	CodeStorageError   = "storage_error"
	CodeBusy           = "busy"           // the intake is busy: try again
	CodeBoothRevoked   = "booth_revoked"  // this booth's own token was revoked (403)
	CodeBoothMismatch  = "booth_mismatch" // a booth's token used for another booth (403)
	CodeBadStatus      = "bad_status"     // a status report that breaks the contract (status.go)
)

// wireCodes are the intake's refusal codes for the application rules (package booth), one for
// every booth.Code; the photo codes of the upload spec are their own.
var wireCodes = map[booth.Code]string{
	booth.UUIDInvalid:          "bad_uuid",
	booth.ReceiptInvalid:       "bad_receipt",
	booth.CreatedAtInvalid:     "bad_created_at",
	booth.FormIDInvalid:        "bad_form_id",
	booth.BirthDateInvalid:     "bad_birth_date",
	booth.BirthDateFuture:      "bad_birth_date",
	booth.BirthDateImplausible: "bad_birth_date",
	booth.EraDateInvalid:       "bad_birth_date",
	booth.ChannelInvalid:       "bad_channel",
	booth.CardMailedNotCounter: "bad_channel",
	booth.BoothInvalid:         "bad_booth",
	booth.LangMissing:          "bad_lang",
	booth.EmailInvalid:         "bad_email",
	booth.PhotoCheckInvalid:    "bad_photo_check",
	booth.OverrideReasonLong:   "bad_photo_check",
	booth.OverrideNotAllowed:   "bad_photo_check",
	booth.PhotoRejected:        "bad_photo_check",
	booth.PhotoMissing:         string(booth.PhotoSize),
	booth.PhotoUnusable:        string(booth.PhotoNotJPEG),
	booth.PhotoSize:            string(booth.PhotoSize),
	booth.PhotoNotJPEG:         string(booth.PhotoNotJPEG),
	booth.PhotoTruncated:       string(booth.PhotoTruncated),
	booth.PhotoNotRGB:          string(booth.PhotoNotRGB),
	booth.PhotoDimensions:      string(booth.PhotoDimensions),
}

var knownCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range []string{CodeUnauthorized, CodeTooLarge, CodeBadJSON, CodeAmbiguousJSON, CodeInvalid,
		CodeUUIDMismatch, CodeBadPhotoSHA256, CodePhotoSHA256, CodeConflict, CodeStorageFull, CodeStorageError,
		CodeBusy, CodeBoothRevoked, CodeBoothMismatch, CodeBadStatus} {
		m[c] = true
	}
	for _, c := range wireCodes {
		m[c] = true
	}
	return m
}()

// KnownCode reports whether c is one of the contract's refusal codes.
func KnownCode(c string) bool { return knownCodes[c] }

// WireCode is the refusal code of an application rule.
func WireCode(c booth.Code) string {
	if w, ok := wireCodes[c]; ok {
		return w
	}
	return CodeInvalid
}

// Validate checks a payload against the contract on the receiver's clock now: the
// application's rules (booth.ValidateQueued: the receipt, a plausible creation time, and every
// rule of booth.Validate judged on the day it was created) and the photo's SHA-256. It returns
// an *InvalidError.
func (a *Application) Validate(pathUUID string, now time.Time) error {
	switch {
	case !booth.ValidUUID(a.UUID):
		return &InvalidError{Code: WireCode(booth.UUIDInvalid), Detail: "uuid is not a lower-case random UUID"}
	case pathUUID != "" && pathUUID != a.UUID:
		return &InvalidError{Code: CodeUUIDMismatch, Detail: "uuid in the body differs from the one in the path"}
	}
	dob, err := booth.ParseDate(a.BirthDate)
	if err != nil {
		return &InvalidError{Code: WireCode(booth.BirthDateInvalid), Detail: "birth_date is not a YYYY-MM-DD date"}
	}
	app := &booth.Application{
		UUID: a.UUID, Receipt: a.Receipt, CreatedAt: a.CreatedAt, FormID: booth.FormID(a.FormID), BirthDate: dob,
		Options:    booth.Options{ECertificate: a.Options.ECertificate, Braille: a.Options.Braille, Email: a.Options.Email},
		PhotoCheck: booth.PhotoCheck{OK: a.PhotoCheck.OK, Problems: a.PhotoCheck.Problems, OverrideReason: a.PhotoCheck.OverrideReason},
		Photo:      a.PhotoJPEG, BoothID: a.BoothID, Lang: a.Lang, Channel: booth.Channel(a.Channel), CardMailed: a.CardMailed,
	}
	// The photo's hash first: a photo damaged on the way is a transport error, not a bad photo.
	if err := checkSHA256(a.PhotoJPEG, a.PhotoSHA256); err != nil {
		return err
	}
	return invalid(app.ValidateQueued(now))
}

// invalid turns an application rule's error into an *InvalidError (nil stays nil).
func invalid(err error) error {
	if err == nil {
		return nil
	}
	var be *booth.Error
	if !errors.As(err, &be) {
		return &InvalidError{Code: CodeInvalid, Detail: "invalid application"}
	}
	return &InvalidError{Code: WireCode(be.Code), Detail: be.Detail}
}

// ValidatePhoto checks a photo against the upload spec and its announced SHA-256.
func ValidatePhoto(jpeg []byte, sha string) error {
	if err := checkSHA256(jpeg, sha); err != nil {
		return err
	}
	return invalid(booth.ValidatePhotoJPEG(jpeg))
}

func checkSHA256(jpeg []byte, sha string) error {
	if !sha256Pattern.MatchString(sha) {
		return &InvalidError{Code: CodeBadPhotoSHA256, Detail: "photo_sha256 is not 64 lower-case hex digits"}
	}
	if sum := sha256.Sum256(jpeg); hex.EncodeToString(sum[:]) != sha {
		return &InvalidError{Code: CodePhotoSHA256, Detail: "photo does not match photo_sha256"}
	}
	return nil
}
