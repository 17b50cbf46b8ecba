package qr

import (
	"errors"

	"github.com/idbooth/idbooth/assets"
)

// Message returns the resident-facing text for a scan or entry error in lang: the reason's own
// message for a rejected payload, "no QR found" for ErrNoQR.
func Message(lang string, err error) string {
	c := assets.Messages(lang)
	if r := ReasonOf(err); r != "" {
		return c.T("qr." + string(r))
	}
	if errors.Is(err, ErrNoQR) {
		return c.T("qr.no_qr")
	}
	return c.T("qr.not_a_form_qr")
}
