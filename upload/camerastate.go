package upload

import (
	"sync"
	"time"
)

// Codes of the camera's state in a status report (BoothStatus.PhotoCheck, Device.Code).
const (
	// CameraDisconnected: the camera stopped delivering frames (unplugged, busy, driver error).
	CameraDisconnected = "disconnected"
	// CameraEndOfStream: a video file standing in for the camera ended.
	CameraEndOfStream = "end_of_stream"
	// CameraMissing: no camera could be read at all (no device, a camera folder gone).
	CameraMissing = "no_camera"
	// CheckFailed: the photo check itself could not run on a still.
	CheckFailed = "check_failed"
)

// CameraState is the kiosk's camera as last seen, for the status report: whether frames arrive
// and the outcome of the last photo check (its time, and passed or the first problem's code;
// never the photo or anything about the person). The kiosk's camera loop writes it, the sync's
// report reads it; it is safe for concurrent use and its zero value is ready (state unknown).
type CameraState struct {
	mu     sync.Mutex
	camera Device // ok with the last frame's time, or error with what failed
	check  Device // the last photo check
}

// Frame records that the camera delivered a frame at at.
func (c *CameraState) Frame(at time.Time) {
	c.set(&c.camera, Device{State: DeviceOK, At: at.UTC()})
}

// Failed records that the camera failed at at; code is one of the Camera* codes.
func (c *CameraState) Failed(at time.Time, code string) {
	c.set(&c.camera, Device{State: DeviceError, Code: reportCode(code), At: at.UTC()})
}

// Checked records a photo check that ran at at: problem is "" when the photo passed, else the
// code of what the check found (a finding about the photo: the camera works, the state stays ok).
func (c *CameraState) Checked(at time.Time, problem string) {
	c.set(&c.check, Device{State: DeviceOK, Code: reportCode(problem), At: at.UTC()})
}

// CheckFailed records a photo check that could not run at at.
func (c *CameraState) CheckFailed(at time.Time) {
	c.set(&c.check, Device{State: DeviceError, Code: CheckFailed, At: at.UTC()})
}

func (c *CameraState) set(d *Device, v Device) {
	c.mu.Lock()
	defer c.mu.Unlock()
	*d = v
}

// Device is the camera's state as the report carries it: a failing camera first (with when it
// was last seen failing); else the last photo check (passed, a finding about the photo, or a
// check that could not run); else "ok" with the last frame's time; "unknown" before any of
// these (and for a nil CameraState: a process that does not see the camera).
func (c *CameraState) Device() Device {
	if c == nil {
		return Device{State: DeviceUnknown}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.camera.State == DeviceError:
		return c.camera
	case !c.check.At.IsZero():
		return c.check
	case !c.camera.At.IsZero():
		return c.camera
	}
	return Device{State: DeviceUnknown}
}

// reportCode keeps a code the report accepts ("other" for anything else).
func reportCode(code string) string {
	if codePattern.MatchString(code) {
		return code
	}
	return "other"
}
