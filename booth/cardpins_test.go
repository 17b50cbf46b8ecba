package booth

import (
	"strings"
	"testing"
)

func TestIndividualNumberCheckDigit(t *testing.T) {
	const valid = "983205673214"
	if !ValidIndividualNumber(valid) {
		t.Fatalf("%s refused", valid)
	}
	// Every one-digit change of it is caught.
	for i := 0; i < len(valid); i++ {
		for d := byte('0'); d <= '9'; d++ {
			if d == valid[i] {
				continue
			}
			changed := valid[:i] + string(d) + valid[i+1:]
			if ValidIndividualNumber(changed) {
				t.Errorf("%s (digit %d changed) accepted", changed, i+1)
			}
		}
	}
	for _, bad := range []string{"", "98320567321", "9832056732140", "98320567321a", "９８３２０５６７３２１４"} {
		if ValidIndividualNumber(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPINs(t *testing.T) {
	birth := Date{Year: 1985, Month: 6, Day: 15} // Shōwa 60
	for _, tc := range []struct {
		pin       string
		signature bool
		want      Code // "" for accepted
	}{
		{"AB1234", true, ""},
		{"ZZ9", true, PINFormat},
		{"ABCDEFGHIJ12345678", true, PINFormat}, // 18 characters
		{"ABCDEFG", true, PINFormat},            // no digit
		{"1234567", true, PINFormat},            // no letter
		{"ab1234", true, PINFormat},             // lower case
		{"AB-1234", true, PINFormat},
		{"ＡＢ１２３４", true, PINFormat}, // full-width
		{"K19850615", true, PINGuessable},
		{"X850615Y", true, PINGuessable},
		{"S600615", true, PINGuessable},
		{"Q1985X0615", true, ""}, // the year and the day apart: not a form of the date

		{"2580", false, ""},
		{"7391", false, ""},
		{"123", false, PINFormat},
		{"12a4", false, PINFormat},
		{"１２３４", false, PINFormat},
		{"0000", false, PINGuessable},
		{"7777", false, PINGuessable},
		{"1234", false, PINGuessable},
		{"0123", false, PINGuessable},
		{"6789", false, PINGuessable},
		{"9876", false, PINGuessable},
		{"3210", false, PINGuessable},
		{"0615", false, PINGuessable}, // MMDD
		{"1506", false, PINGuessable}, // DDMM
		{"1985", false, PINGuessable}, // YYYY
		{"8506", false, PINGuessable}, // YYMM
		{"6006", false, PINGuessable}, // Shōwa 60, June
		{"1357", false, ""},
	} {
		var err error
		if tc.signature {
			err = CheckSignaturePIN(tc.pin, birth)
		} else {
			err = CheckFourDigitPIN(tc.pin, birth)
		}
		if got := CodeOf(err); got != tc.want {
			t.Errorf("%q: %v, want %q", tc.pin, err, tc.want)
		}
		if err != nil && containsPIN(err.Error(), tc.pin) {
			t.Errorf("%q: the error %q shows the PIN", tc.pin, err)
		}
	}
}

func containsPIN(msg, pin string) bool {
	return len(pin) >= 4 && strings.Contains(msg, pin)
}
