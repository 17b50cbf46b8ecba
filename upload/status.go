package upload

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// The booth's health report, sent with every sync: PUT {base}/v1/booths/{id}/status with the
// booth's token and a BoothStatus as JSON; 204 when stored. It holds counts, ages, codes and a
// version: never personal data.
const statusPathFmt = "/v1/booths/%s/status"

// StatusPath is the path a booth reports its status to.
func StatusPath(boothID string) string { return fmt.Sprintf(statusPathFmt, boothID) }

// BoothStatus is the body of a status report.
type BoothStatus struct {
	AppVersion string     `json:"app_version"`
	Queue      QueueDepth `json:"queue"`
	// OldestPendingSeconds is the age of the oldest application not yet sent (0: none waits).
	OldestPendingSeconds int64 `json:"oldest_pending_seconds"`
	// PhotoCheck is the camera's state (CameraState.Device): "error" with a Camera* code when
	// it fails, else the last photo check ("ok", with the code of what it found in the photo
	// if anything; "error"/"check_failed" when the check could not run); the fleet dashboard
	// shows it as the camera and alerts on "error". Printer is the printer's last state.
	PhotoCheck Device `json:"photo_check"`
	Printer    Device `json:"printer"`
}

// QueueDepth counts the booth's queue by state.
type QueueDepth struct {
	Pending int `json:"pending"`
	Sending int `json:"sending"`
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`
}

// Device is a device's last known state (the camera's last check, the printer's last job):
// State is "ok", "error" or "unknown"; Code says what is wrong (a stable code such as
// "no_camera" or "paper_out"; with "ok", the last photo check's finding about the photo, such
// as "too_dark"); At is when it was seen.
type Device struct {
	State string    `json:"state"`
	Code  string    `json:"code,omitempty"`
	At    time.Time `json:"at,omitzero"`
}

// Device states.
const (
	DeviceOK      = "ok"
	DeviceError   = "error"
	DeviceUnknown = "unknown"
)

var (
	codePattern    = regexp.MustCompile(`^[a-z0-9_]{0,40}$`)
	versionPattern = regexp.MustCompile(`^[A-Za-z0-9.+~_-]{0,64}$`)
)

// Validate checks a status report: bounded, well-formed fields only, so nothing else (no
// personal data, no markup) can ride in it.
func (s *BoothStatus) Validate() error {
	bad := func(detail string) error { return &InvalidError{Code: CodeBadStatus, Detail: detail} }
	if !versionPattern.MatchString(s.AppVersion) {
		return bad("app_version: up to 64 letters, digits and .+~_-")
	}
	q := s.Queue
	if q.Pending < 0 || q.Sending < 0 || q.Sent < 0 || q.Failed < 0 || s.OldestPendingSeconds < 0 {
		return bad("queue counts and ages are not negative")
	}
	for _, d := range []Device{s.PhotoCheck, s.Printer} {
		switch {
		case d.State != DeviceOK && d.State != DeviceError && d.State != DeviceUnknown:
			return bad("device state: ok, error or unknown")
		case !codePattern.MatchString(d.Code):
			return bad("device code: up to 40 of a-z, 0-9 and _")
		}
	}
	return nil
}

// PutStatus reports the booth's status to the intake (204 when stored). Errors are those of Put:
// ErrAuth for a refused or revoked token, ErrTemporary for what may pass, ErrRefused otherwise.
func (c *Client) PutStatus(ctx context.Context, boothID string, st *BoothStatus) error {
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	code, answer, _, err := c.putJSON(ctx, StatusPath(boothID), body)
	switch {
	case err != nil:
		return err
	case code == http.StatusNoContent || code == http.StatusOK:
		return nil
	case code < 400:
		// Anything else that is not a refusal is not what a status report expects.
		return fmt.Errorf("%w: %s", ErrRefused, describe(code, answer))
	}
	return refusal(code, answer)
}
