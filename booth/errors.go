package booth

import (
	"errors"
	"fmt"
)

// A Code names a rule an application broke. Codes are stable: the CLI prints them, tests match
// them, and the message people see is the translation of "booth."+code.
type Code string

// The codes of the application's rules.
const (
	FormIDInvalid        Code = "form_id_invalid"        // not exactly 23 digits
	UUIDInvalid          Code = "uuid_invalid"           // not a canonical lower-case random (v4) UUID
	ReceiptInvalid       Code = "receipt_invalid"        // not a receipt number as the queue makes them
	CreatedAtInvalid     Code = "created_at_invalid"     // missing, or implausible by the receiver's clock
	BirthDateInvalid     Code = "birth_date_invalid"     // not a real calendar date
	BirthDateFuture      Code = "birth_date_future"      // after today (in Japan)
	BirthDateImplausible Code = "birth_date_implausible" // more than MaxAge years ago
	EraDateInvalid       Code = "era_date_invalid"       // a year, month or day the era does not have
	ChannelInvalid       Code = "channel_invalid"        // neither booth nor counter
	CardMailedNotCounter Code = "card_mailed_not_counter"
	BoothInvalid         Code = "booth_invalid" // booth ID missing or too long
	LangMissing          Code = "lang_missing"  // no language, or not a language code
	EmailInvalid         Code = "email_invalid"
	PhotoMissing         Code = "photo_missing"
	PhotoRejected        Code = "photo_rejected"       // the check flagged it and nobody overrode it
	PhotoUnusable        Code = "photo_unusable"       // not an image, or outside the upload spec
	PhotoCheckInvalid    Code = "photo_check_invalid"  // a malformed problem code or override reason
	OverrideNotAllowed   Code = "override_not_allowed" // staff may not accept this photo (not an image)
	OverrideReasonLong   Code = "override_reason_too_long"

	// The upload spec's photo codes double as the intake's wire codes.
	PhotoSize       Code = "photo_size"
	PhotoNotJPEG    Code = "photo_not_jpeg"
	PhotoTruncated  Code = "photo_truncated" // no end marker, or image data that does not decode
	PhotoNotRGB     Code = "photo_not_rgb"
	PhotoDimensions Code = "photo_dimensions"
)

// Codes lists every Code, for tests and for the translation catalogue.
var Codes = []Code{FormIDInvalid, UUIDInvalid, ReceiptInvalid, CreatedAtInvalid, BirthDateInvalid, BirthDateFuture, BirthDateImplausible,
	EraDateInvalid, ChannelInvalid, CardMailedNotCounter, BoothInvalid, LangMissing, EmailInvalid,
	PhotoMissing, PhotoRejected, PhotoUnusable, PhotoCheckInvalid, OverrideNotAllowed,
	OverrideReasonLong, PhotoSize, PhotoNotJPEG, PhotoTruncated, PhotoNotRGB, PhotoDimensions}

// An Error is an application that breaks a rule. Detail is for operators and never holds
// personal data (no ID, no date of birth).
type Error struct {
	Code   Code
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Detail
}

// MessageKey is the translation key of the message people see (assets/i18n/*/booth.json).
func (e *Error) MessageKey() string { return "booth." + string(e.Code) }

// Is lets errors.Is(err, &Error{Code: c}) match any Error with code c.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Detail == ""
}

func fail(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Detail: fmt.Sprintf(format, args...)}
}

// CodeOf returns the Code of the first *Error in err's chain, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Keyed is an error that names the message people see for it. The domain packages' errors
// implement it (qr's rejections, storage's and slip's error kinds, this package's Error), so
// that the UI and the CLI translate every error the same way.
type Keyed interface {
	error
	MessageKey() string
}

// UnexpectedKey is the message for an error no package claimed: something is wrong with the
// machine, not with what the resident did.
const UnexpectedKey = "booth.unexpected"

// MessageKey returns the translation key for err: that of the first Keyed error in its chain.
func MessageKey(err error) string {
	var k Keyed
	if errors.As(err, &k) {
		return k.MessageKey()
	}
	return UnexpectedKey
}

// A Kind is a class of failure that a package declares once (storage.ErrFull,
// slip.ErrPaperOut ...) and wraps with %w; errors.Is matches it and it names its message.
type Kind struct{ text, key string }

// NewKind declares a failure kind with its operator text and its message key.
func NewKind(text, messageKey string) *Kind { return &Kind{text: text, key: messageKey} }

func (k *Kind) Error() string      { return k.text }
func (k *Kind) MessageKey() string { return k.key }
