package upload_test

import (
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/upload"
)

// TestCameraState: what the camera and the photo checks recorded, as the status report carries
// it: a failing camera first, else the last check, else the last frame; every state it gives
// passes the report's validation.
func TestCameraState(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	var nobody *upload.CameraState
	var c upload.CameraState
	steps := []struct {
		name string
		do   func()
		want upload.Device
	}{
		{"a process that does not see the camera", func() {}, upload.Device{State: upload.DeviceUnknown}},
		{"nothing seen yet", func() {}, upload.Device{State: upload.DeviceUnknown}},
		{"frames", func() { c.Frame(t0); c.Frame(t0.Add(time.Second)) }, upload.Device{State: upload.DeviceOK, At: t0.Add(time.Second)}},
		{"a passed check", func() { c.Checked(t0.Add(2*time.Second), "") }, upload.Device{State: upload.DeviceOK, At: t0.Add(2 * time.Second)}},
		{"more frames keep the check", func() { c.Frame(t0.Add(3 * time.Second)) }, upload.Device{State: upload.DeviceOK, At: t0.Add(2 * time.Second)}},
		{"a check that found a problem", func() { c.Checked(t0.Add(4*time.Second), "too_dark") },
			upload.Device{State: upload.DeviceOK, Code: "too_dark", At: t0.Add(4 * time.Second)}},
		{"the camera fails", func() { c.Failed(t0.Add(5*time.Second), upload.CameraDisconnected) },
			upload.Device{State: upload.DeviceError, Code: "disconnected", At: t0.Add(5 * time.Second)}},
		{"the camera is back", func() { c.Frame(t0.Add(6 * time.Second)) },
			upload.Device{State: upload.DeviceOK, Code: "too_dark", At: t0.Add(4 * time.Second)}},
		{"a check that could not run", func() { c.CheckFailed(t0.Add(7 * time.Second)) },
			upload.Device{State: upload.DeviceError, Code: "check_failed", At: t0.Add(7 * time.Second)}},
		{"a code the report does not take", func() { c.Failed(t0.Add(8*time.Second), "Nope <b>") },
			upload.Device{State: upload.DeviceError, Code: "other", At: t0.Add(8 * time.Second)}},
	}
	for i, s := range steps {
		s.do()
		got := c.Device()
		if i == 0 {
			got = nobody.Device()
		}
		if got != s.want {
			t.Fatalf("%s: %+v, want %+v", s.name, got, s.want)
		}
		st := upload.BoothStatus{AppVersion: "test", PhotoCheck: got, Printer: upload.Device{State: upload.DeviceUnknown}}
		if err := st.Validate(); err != nil {
			t.Fatalf("%s: the report refuses %+v: %v", s.name, got, err)
		}
	}
	// Times are kept in UTC, as the report sends them.
	var jst upload.CameraState
	jst.Frame(time.Date(2026, 11, 29, 19, 0, 0, 0, time.FixedZone("JST", 9*3600)))
	if d := jst.Device(); d.State != upload.DeviceOK || d.At.Location() != time.UTC || d.At.Hour() != 10 {
		t.Fatalf("frame time: %+v", d)
	}
}

// TestCameraStateConcurrent: the camera loop, the still check and the sync's report use one
// state at once (run with -race to see it hold).
func TestCameraStateConcurrent(t *testing.T) {
	var c upload.CameraState
	var wg sync.WaitGroup
	at := time.Now()
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				switch g {
				case 0:
					c.Frame(at)
				case 1:
					c.Checked(at, "blurry")
				case 2:
					c.Failed(at, upload.CameraMissing)
				default:
					st := upload.BoothStatus{PhotoCheck: c.Device(), Printer: upload.Device{State: upload.DeviceOK}}
					if err := st.Validate(); err != nil {
						t.Errorf("torn state %+v: %v", st.PhotoCheck, err)
					}
				}
			}
		}()
	}
	wg.Wait()
}
