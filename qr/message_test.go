package qr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/assets"
)

// Every reason has a translated message in every language, and none shows the raw key.
func TestMessagesForEveryReason(t *testing.T) {
	for _, lang := range assets.Languages() {
		c := assets.Messages(lang)
		for _, r := range Reasons {
			if !c.Has("qr." + string(r)) {
				t.Errorf("%s: no message for %s", lang, r)
			}
			if m := Message(lang, &RejectError{Reason: r}); m == "" || strings.HasPrefix(m, "qr.") {
				t.Errorf("%s: message for %s is %q", lang, r, m)
			}
		}
		if m := Message(lang, fmt.Errorf("frame 3: %w", ErrNoQR)); m != c.T("qr.no_qr") {
			t.Errorf("%s: no-QR message %q", lang, m)
		}
	}
	if got := assets.Messages("ja").T("qr.masked_id", Last4(testID)); got != "末尾 0955" {
		t.Errorf("masked ja = %q", got)
	}
}
