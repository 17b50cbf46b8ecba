package qr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
)

// Every reason, and "no QR found", names a message that every language has.
func TestMessagesForEveryReason(t *testing.T) {
	for _, lang := range assets.Languages() {
		c := assets.Messages(lang)
		for _, r := range Reasons {
			err := fmt.Errorf("decoding: %w", &RejectError{Reason: r, Detail: "x"})
			if key := booth.MessageKey(err); !c.Has(key) {
				t.Errorf("%s: no message %s for %s", lang, key, r)
			}
			if m := c.Error(err); m == "" || strings.HasPrefix(m, "qr.") {
				t.Errorf("%s: message for %s is %q", lang, r, m)
			}
		}
		if m := c.Error(fmt.Errorf("frame 3: %w", ErrNoQR)); m != c.T("qr.no_qr") {
			t.Errorf("%s: no-QR message %q", lang, m)
		}
	}
	if got := assets.Messages("ja").T("qr.masked_id", booth.FormID(testID).Last4()); got != "末尾 0955" {
		t.Errorf("masked ja = %q", got)
	}
}
