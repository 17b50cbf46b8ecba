package slip

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Channel is where the application was made; it decides what the slip says about the card.
type Channel string

const (
	ChannelBooth   Channel = "booth"
	ChannelCounter Channel = "counter"
)

// FormIDLength is the number of digits of an application form's ID (申請書ID).
const FormIDLength = 23

// DefaultStatusURL is the official Individual Number Card site (J-LIS), where the status of an
// application can be looked up. Booths configure a deeper link when they have one.
const DefaultStatusURL = "https://www.kojinbango-card.go.jp/"

// JST is Japan Standard Time. A fixed zone: the slip must not depend on the machine's tzdata.
var JST = time.FixedZone("JST", 9*60*60)

// Receipt is everything a slip shows. It deliberately has no field for the whole form ID or the
// birth date.
type Receipt struct {
	// Application is the application's UUID; it is not printed, only used in logs and job names.
	Application string
	// Number is the short receipt number (受付番号) the resident quotes to staff.
	Number    string
	CreatedAt time.Time
	BoothID   string
	BoothName string
	// FormIDLast4 are the last four digits of the 23-digit form ID: all of it the slip shows.
	FormIDLast4 string
	// Lang is the resident's language; the slip is in Japanese plus this language.
	Lang    string
	Channel Channel
	// CardMailed: a counter application whose card is mailed to the resident.
	CardMailed bool
	// Reprint counts earlier prints of this slip; a reprint is marked as such.
	Reprint int
	// StatusURL is the status page the QR code points to (DefaultStatusURL when empty). It must
	// not contain anything about the resident.
	StatusURL string
}

// ErrInvalidReceipt is returned for a receipt that cannot be printed as it is.
var ErrInvalidReceipt = errors.New("slip: invalid receipt")

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
	if r.Channel != ChannelBooth && r.Channel != ChannelCounter {
		bad = append(bad, fmt.Sprintf("channel %q", r.Channel))
	}
	if r.CardMailed && r.Channel != ChannelCounter {
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

// MaskedFormID shows the form ID as the slip prints it: every digit but the last four hidden,
// grouped from the right so the clear digits stand alone ("***-****-****-****-****-1234", as
// the queue and the kiosk show it).
func (r Receipt) MaskedFormID() string {
	return maskedID(r.FormIDLast4)
}

func maskedID(last4 string) string {
	hidden := strings.Repeat("*", FormIDLength-len(last4))
	var groups []string
	for len(hidden) > 4 {
		groups = append([]string{hidden[len(hidden)-4:]}, groups...)
		hidden = hidden[:len(hidden)-4]
	}
	groups = append([]string{hidden}, groups...)
	return strings.Join(append(groups, last4), "-")
}

func (r Receipt) statusURL() string {
	if r.StatusURL != "" {
		return r.StatusURL
	}
	return DefaultStatusURL
}
