// Package booth holds the rules of an Individual Number Card application, in one place: the
// 23-digit form ID and its masking, birth dates (Western and Japanese era), channels, the photo
// upload limits, the staff override of a flagged photo, and the Submitter that turns a
// confirmed application into a durably queued one with its printed slip.
//
// The CLI, the kiosk, the queue (storage), the wire format (upload) and the slip all use these
// rules and repeat none of them, so `idbooth submit` and the touchscreen cannot drift apart
// (DESIGN §6, "one home for each rule"). The package imports nothing of idbooth's own.
//
// Errors carry stable codes. Only the UI and the CLI turn them into words, through the
// translation key MessageKey returns for any error.
package booth
