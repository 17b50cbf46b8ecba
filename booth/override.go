package booth

import "slices"

// CounterOverrideReasons are the reasons a clerk picks from when accepting a photo the checker
// flagged (PhotoCheck.OverrideReason holds the code). Being codes, they can go in the audit log:
// a typed reason could hold personal data. Their words are "counter.override.<code>".
var CounterOverrideReasons = []string{
	"printed_photo_meets_rules", // the resident's printed photo meets the rules; the scan misleads the check
	"religious_or_medical",      // a religious or medical head covering or eye patch
	"disability",                // the resident cannot hold the pose or face the camera
	"infant",                    // a baby or small child
	"checker_mistaken",          // the clerk judges the photo fine and the check wrong
}

// OverrideReasonCode returns reason when it is one of CounterOverrideReasons, else "other"
// (a reason typed at the booth): what the audit log may record of a reason.
func OverrideReasonCode(reason string) string {
	if slices.Contains(CounterOverrideReasons, reason) {
		return reason
	}
	return "other"
}
