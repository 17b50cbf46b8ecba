//go:build matprofile

package app

import (
	"testing"

	"gocv.io/x/gocv"
)

// Run with -tags matprofile: a whole application at the kiosk (camera frames, the live hint,
// the still check, the review) leaves no Mat open once the kiosk is closed.
func TestKioskClosesMats(t *testing.T) {
	start := gocv.MatProfile.Count()
	t.Run("session", TestResidentAppliesByTouch)
	if n := gocv.MatProfile.Count(); n != start {
		t.Fatalf("%d Mats left open", n-start)
	}
}
