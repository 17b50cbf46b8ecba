package booth

import (
	"fmt"
	"strings"
)

// The PIN-setting request (暗証番号設定依頼書) a counter checks before the resident writes the
// PINs on it; the PINs themselves are never stored or logged, and errors do not contain them.
const (
	// PINFormat: a PIN breaks its format (message booth.pin_format_signature / pin_format_4).
	PINFormat Code = "pin_format"
	// PINGuessable: a PIN is easily guessed (one digit repeated, a run, the birth date).
	PINGuessable Code = "pin_guessable"
)

// CheckSignaturePIN checks the signature certificate's PIN (署名用電子証明書): 6–16 characters of
// A–Z and 0–9, with at least one letter and one digit, and not built on the birth date.
func CheckSignaturePIN(pin string, birth Date) error {
	if len(pin) < 6 || len(pin) > 16 {
		return fail(PINFormat, "signature PIN is %d characters, want 6–16", len(pin))
	}
	var letter, digit bool
	for _, c := range []byte(pin) {
		switch {
		case c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9':
			digit = true
		default:
			return fail(PINFormat, "signature PIN has a character other than A–Z and 0–9")
		}
	}
	if !letter || !digit {
		return fail(PINFormat, "signature PIN needs at least one letter and one digit")
	}
	for _, form := range birthDateForms(birth, false) {
		if strings.Contains(pin, form) {
			return fail(PINGuessable, "signature PIN contains the birth date")
		}
	}
	return nil
}

// CheckFourDigitPIN checks a 4-digit PIN (利用者証明用電子証明書, 住民基本台帳, 券面事項入力補助):
// four digits, not one digit repeated, not an ascending or descending run, not the birth date.
func CheckFourDigitPIN(pin string, birth Date) error {
	if len(pin) != 4 || strings.Trim(pin, "0123456789") != "" {
		return fail(PINFormat, "PIN is not 4 digits")
	}
	if GuessableDigits(pin) {
		return fail(PINGuessable, "PIN is one digit repeated or a run of digits")
	}
	for _, form := range birthDateForms(birth, true) {
		if pin == form {
			return fail(PINGuessable, "PIN is the birth date")
		}
	}
	return nil
}

// birthDateForms are the ways people write their birth date: YYYYMMDD, YYMMDD, the Japanese era
// year with month and day (600615 for Shōwa 60), and with short, the 4-digit ones: MMDD, DDMM,
// YYYY, YYMM and the era year with the month.
func birthDateForms(d Date, short bool) []string {
	if d.IsZero() {
		return nil
	}
	y, m, dd := d.Year, int(d.Month), d.Day
	forms := []string{fmt.Sprintf("%04d%02d%02d", y, m, dd), fmt.Sprintf("%02d%02d%02d", y%100, m, dd)}
	_, eraYear, haveEra := EraOf(d)
	if haveEra {
		forms = append(forms, fmt.Sprintf("%02d%02d%02d", eraYear, m, dd))
	}
	if short {
		forms = append(forms, fmt.Sprintf("%02d%02d", m, dd), fmt.Sprintf("%02d%02d", dd, m),
			fmt.Sprintf("%04d", y), fmt.Sprintf("%02d%02d", y%100, m))
		if haveEra {
			forms = append(forms, fmt.Sprintf("%02d%02d", eraYear, m))
		}
	}
	return forms
}
