package slip

import (
	"fmt"
	"strings"

	"github.com/idbooth/idbooth/booth"
)

// DefaultStatusURL is the official Individual Number Card site (J-LIS), where the status of an
// application can be looked up. Booths configure a deeper link when they have one.
const DefaultStatusURL = "https://www.kojinbango-card.go.jp/"

// JST is the zone the slip's dates are printed in.
var JST = booth.JST

// Receipt is everything a slip shows: an application's receipt (package booth; it has no field
// for the whole form ID or the birth date) and the status page its QR code leads to.
type Receipt struct {
	booth.Receipt
	// StatusURL is the status page the QR code points to (DefaultStatusURL when empty). It must
	// not contain anything about the resident.
	StatusURL string
}

// ErrInvalidReceipt is returned for a receipt that cannot be printed as it is.
var ErrInvalidReceipt = booth.NewKind("slip: invalid receipt", "slip.error.invalid")

// Validate checks what a printed slip relies on.
func (r Receipt) Validate() error {
	var bad []string
	if strings.TrimSpace(r.Number) == "" {
		bad = append(bad, "no receipt number")
	}
	if r.CreatedAt.IsZero() {
		bad = append(bad, "no creation time")
	}
	if len(r.FormIDLast4) != 4 || strings.Trim(r.FormIDLast4, "0123456789") != "" {
		bad = append(bad, "form ID: want exactly its last 4 digits")
	}
	if !r.Channel.Valid() {
		bad = append(bad, fmt.Sprintf("channel %q", r.Channel))
	}
	if r.CardMailed && r.Channel != booth.ChannelCounter {
		bad = append(bad, "card mailed is for counter applications")
	}
	if r.Reprint < 0 {
		bad = append(bad, "negative reprint count")
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidReceipt, strings.Join(bad, "; "))
	}
	return nil
}

func (r Receipt) statusURL() string {
	if r.StatusURL != "" {
		return r.StatusURL
	}
	return DefaultStatusURL
}
