// Package qr reads the QR code of an Individual Number Card application form (交付申請書) and
// extracts its 23-digit application ID (申請書ID), from camera frames, still images, a
// keyboard-wedge barcode reader or the resident's own typing.
package qr

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/idbooth/idbooth/booth"
)

// MaxPayloadLength is the longest payload (in bytes) considered at all. A real form QR holds
// either the bare ID or a short URL; anything longer is some other code (a tracker link...).
const MaxPayloadLength = 512

// A Reason says why a payload is not a form QR. The values are stable: the UI's messages
// (assets/i18n/*/qr.json, key "qr."+reason) and the CLI's JSON output use them.
type Reason string

const (
	ReasonEmpty       Reason = "empty"              // nothing but white space
	ReasonTooLong     Reason = "too_long"           // longer than MaxPayloadLength
	ReasonBadChars    Reason = "invalid_characters" // control characters or invalid UTF-8
	ReasonWrongLength Reason = "wrong_digit_count"  // only digits (and separators), but not 23 of them
	ReasonNotHTTPS    Reason = "not_https"          // a URL whose scheme is not https (http, ftp, javascript...)
	ReasonBadURL      Reason = "malformed_url"      // an https URL that does not parse, has no host, or carries user info
	ReasonNoID        Reason = "no_application_id"  // an https URL without any 23-digit query value or path segment
	ReasonAmbiguous   Reason = "ambiguous_id"       // more than one 23-digit query value or path segment
	ReasonNotForm     Reason = "not_a_form_qr"      // any other text
)

// Reasons lists every Reason, for tests and for the translation catalogue.
var Reasons = []Reason{ReasonEmpty, ReasonTooLong, ReasonBadChars, ReasonWrongLength, ReasonNotHTTPS,
	ReasonBadURL, ReasonNoID, ReasonAmbiguous, ReasonNotForm}

// A RejectError is a payload that is not a valid form QR. Detail is for operators and never
// contains the payload itself (it may hold personal data).
type RejectError struct {
	Reason Reason
	Detail string
}

func (e *RejectError) Error() string {
	if e.Detail == "" {
		return string(e.Reason)
	}
	return string(e.Reason) + ": " + e.Detail
}

// MessageKey is the translation key of the resident's message (assets/i18n/*/qr.json).
func (e *RejectError) MessageKey() string { return "qr." + string(e.Reason) }

// Is lets errors.Is match any RejectError with the same Reason.
func (e *RejectError) Is(target error) bool {
	t, ok := target.(*RejectError)
	return ok && t.Reason == e.Reason && t.Detail == ""
}

// ReasonOf returns the Reason of a RejectError in err's chain, or "".
func ReasonOf(err error) Reason {
	var r *RejectError
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

func reject(r Reason, format string, args ...any) error {
	return &RejectError{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// ParsePayload returns the application ID a form-QR payload yields, per DESIGN §1: the whole
// payload is the 23 digits (single spaces or hyphens allowed between digit groups), or an https
// URL with exactly one query value or path segment of exactly 23 digits. Leading and trailing
// white space (a reader's CR/LF) is ignored. Errors are *RejectError. The URL is never opened.
func ParsePayload(payload string) (booth.FormID, error) {
	id, err := parsePayload(payload)
	return booth.FormID(id), err
}

func parsePayload(payload string) (string, error) {
	if len(payload) > MaxPayloadLength {
		return "", reject(ReasonTooLong, "%d bytes (limit %d)", len(payload), MaxPayloadLength)
	}
	if !utf8.ValidString(payload) {
		return "", reject(ReasonBadChars, "invalid UTF-8")
	}
	p := strings.TrimSpace(payload)
	if p == "" {
		return "", reject(ReasonEmpty, "")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "", reject(ReasonBadChars, "control character U+%04X", r)
		}
	}
	if id, n, ok := groupedDigits(p); ok {
		if n != booth.FormIDLength {
			return "", reject(ReasonWrongLength, "%d digits, want %d", n, booth.FormIDLength)
		}
		return id, nil
	}
	if scheme, rest, ok := strings.Cut(p, ":"); ok && isScheme(scheme) {
		scheme = strings.ToLower(scheme)
		if scheme == "https" {
			return parseURL(p)
		}
		if strings.HasPrefix(rest, "//") {
			return "", reject(ReasonNotHTTPS, "scheme %q", scheme)
		}
	}
	return "", reject(ReasonNotForm, "neither %d digits nor an https URL", booth.FormIDLength)
}

// groupedDigits reports whether s is ASCII digit groups separated by single spaces or hyphens,
// and returns the digits joined and their count.
func groupedDigits(s string) (string, int, bool) {
	var b strings.Builder
	prevSep := true // a separator may not lead
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
			prevSep = false
		case (c == ' ' || c == '-') && !prevSep:
			prevSep = true
		default:
			return "", 0, false
		}
	}
	if prevSep {
		return "", 0, false // trailing separator (leading and trailing spaces were trimmed)
	}
	return b.String(), b.Len(), true
}

// isScheme reports whether s is an RFC 3986 scheme: a letter, then letters, digits, + - .
func isScheme(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (s[i] >= '0' && s[i] <= '9' || s[i] == '+' || s[i] == '-' || s[i] == '.'):
		default:
			return false
		}
	}
	return true
}

func parseURL(p string) (string, error) {
	u, err := url.Parse(p)
	if err != nil {
		return "", reject(ReasonBadURL, "does not parse")
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return "", reject(ReasonBadURL, "no host")
	}
	if u.User != nil {
		// https://trusted.example@evil.example/ shows one host and means another.
		return "", reject(ReasonBadURL, "user info before the host")
	}
	if strings.ContainsAny(p, " \t") {
		return "", reject(ReasonBadURL, "white space inside the URL")
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", reject(ReasonBadURL, "query does not parse")
	}
	var found []string
	for _, vs := range query {
		for _, v := range vs {
			if isID(v) {
				found = append(found, v)
			}
		}
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if isID(seg) {
			found = append(found, seg)
		}
	}
	switch len(found) {
	case 0:
		return "", reject(ReasonNoID, "no query value or path segment of %d digits", booth.FormIDLength)
	case 1:
		return found[0], nil
	default:
		return "", reject(ReasonAmbiguous, "%d values of %d digits", len(found), booth.FormIDLength)
	}
}

// isID reports whether s is exactly 23 ASCII digits.
func isID(s string) bool { return booth.FormID(s).Valid() }
