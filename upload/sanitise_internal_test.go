package upload

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// An error text kept from a failed exchange holds no quoted network text, no long number and
// nothing but plain ASCII, and is bounded.
func TestSanitise(t *testing.T) {
	for in, want := range map[string]string{
		`read tcp 127.0.0.1:40000->127.0.0.1:8443: read: connection reset by peer`: "read tcp #-#: read: connection reset by peer",
		`bad header "Yamada Taro 1985-06-15"`:                                      "bad header ...",
		"ID 98765432109876543210987 born 1985-06-15 in 東京, HTTP/1.1 404":           "ID # born # in , HTTP/1.1 404",
		"unterminated `quote 1985":                                                 "unterminated ...",
	} {
		if got := sanitise(in); got != want {
			t.Errorf("sanitise(%q) = %q, want %q", in, got, want)
		}
	}
	if got := sanitise(strings.Repeat("word ", 100)); len(got) > maxDetail+3 {
		t.Errorf("%d bytes kept", len(got))
	}
	err := transportProblem(fmt.Errorf("proxy said %q", "Yamada 98765432109876543210987"))
	if strings.Contains(err.Error(), "Yamada") || strings.Contains(err.Error(), "9876") || errors.Unwrap(err) == nil {
		t.Errorf("transport error %q", err)
	}
}
