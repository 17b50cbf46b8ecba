package booth_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
)

// Every code has a message in every language: the CLI and the kiosk never show a raw key.
func TestEveryCodeHasAMessage(t *testing.T) {
	for _, lang := range assets.Languages() {
		c := assets.Messages(lang)
		for _, code := range append(booth.Codes, "") {
			var err error = fmt.Errorf("wrapped: %w", &booth.Error{Code: code, Detail: "d"})
			if code == "" {
				err = fmt.Errorf("an error nobody claims")
			}
			key := booth.MessageKey(err)
			if !c.Has(key) {
				t.Errorf("%s: no message %s", lang, key)
			}
			if m := c.Error(err); m == "" || strings.HasPrefix(m, "booth.") {
				t.Errorf("%s: %s shows %q", lang, key, m)
			}
		}
	}
}
