package booth_test

import (
	"fmt"
	"testing"

	"github.com/idbooth/idbooth/booth"
)

const id = booth.FormID("00707305390250374060955")

func TestFormID(t *testing.T) {
	if !id.Valid() || id.Last4() != "0955" || id.Mask() != "***-****-****-****-****-0955" {
		t.Fatalf("valid ID: %v %q %q", id.Valid(), id.Last4(), id.Mask())
	}
	for _, bad := range []string{"", "0070730539025037406095", "007073053902503740609550", "0070730539025037406095a",
		"00707305390250374060９55", " 0707305390250374060955"} {
		if _, err := booth.ParseFormID(bad); booth.CodeOf(err) != booth.FormIDInvalid {
			t.Errorf("ParseFormID(%q) = %v", bad, err)
		}
	}
	// A FormID that reaches a log or an error text by mistake shows only its last 4 digits.
	for _, s := range []string{fmt.Sprint(id), fmt.Sprintf("%v|%s|%#v", id, id, id), fmt.Sprintf("%+v", struct{ ID booth.FormID }{id})} {
		if len(s) == 0 || containsDigits(s, string(id[:19])) {
			t.Errorf("printed %q", s)
		}
	}
	if got := booth.MaskLast4("1234"); got != "***-****-****-****-****-1234" {
		t.Errorf("MaskLast4 = %q", got)
	}
}

func containsDigits(s, digits string) bool {
	for i := 0; i+len(digits) <= len(s); i++ {
		if s[i:i+len(digits)] == digits {
			return true
		}
	}
	return false
}
