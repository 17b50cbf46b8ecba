package booth

import "strings"

// FormIDLength is the number of digits of an application form's ID (申請書ID). The ID has no
// published check digit: none is invented here (DESIGN §1).
const FormIDLength = 23

// A FormID is the 23-digit application ID printed on the form and held in its QR code. It is
// personal data: screens, slips, logs and the queue's clear columns show only Last4 or Mask.
type FormID string

// ParseFormID accepts exactly 23 ASCII digits. Reading a QR payload or a typed ID (spaces,
// full-width digits ...) is the qr package's job; this is the rule the result must meet.
func ParseFormID(s string) (FormID, error) {
	if len(s) != FormIDLength || strings.Trim(s, "0123456789") != "" {
		return "", fail(FormIDInvalid, "form ID is not %d digits", FormIDLength)
	}
	return FormID(s), nil
}

// Valid reports whether id is exactly 23 digits.
func (id FormID) Valid() bool {
	_, err := ParseFormID(string(id))
	return err == nil
}

// Last4 is the only part of the ID shown to anyone after it was read.
func (id FormID) Last4() string {
	if len(id) <= 4 {
		return string(id)
	}
	return string(id[len(id)-4:])
}

// Mask shows the ID with all but its last 4 digits hidden.
func (id FormID) Mask() string { return MaskLast4(id.Last4()) }

// MaskLast4 shows a form ID known only by its last 4 digits, grouped from the right in fours
// as on the form (3-4-4-4-4-4), so the resident recognises it: "***-****-****-****-****-0955".
func MaskLast4(last4 string) string {
	var b strings.Builder
	n := FormIDLength
	for i := 0; i < n; i++ {
		if i > 0 && (n-i)%4 == 0 {
			b.WriteByte('-')
		}
		if j := i - (n - len(last4)); j >= 0 {
			b.WriteByte(last4[j])
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// String never prints the whole ID (a FormID that reaches a log by mistake is masked).
func (id FormID) String() string { return id.Mask() }

// GoString, likewise, for %#v.
func (id FormID) GoString() string { return `booth.FormID("` + id.Mask() + `")` }
