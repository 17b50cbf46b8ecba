package app

import (
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/qr"
)

// The first screen's states. The model has no Fyne types, so it is tested on its own and the
// screen only draws it (DESIGN §6).
type scanState int

const (
	scanSearching  scanState = iota // live preview, waiting for a form
	scanRead                        // a valid form ID was read
	scanWrongCode                   // a QR was read but it is not an application form's
	scanCameraDown                  // no frames: ask for staff
)

// scanOutcome is one reading of the form QR (from the camera, a barcode reader or manual entry),
// already validated.
type scanOutcome struct {
	ok       bool
	id       booth.FormID // the 23-digit application ID when ok
	err      error        // why not, when !ok: a *qr.RejectError (its reason picks the message)
	fromLive bool         // from the camera (repeats every frame while the code is held up)
}

// Timing of the first screen.
const (
	// wrongCodeShown: how long a "this is not the form's QR" message stays before scanning resumes.
	wrongCodeShown = 4 * time.Second
	// readIdle: a read form ID is wiped if nobody continues, so the next person never sees it.
	readIdle = 90 * time.Second
)

// scanModel is the state of the first screen.
type scanModel struct {
	now   func() time.Time
	state scanState
	since time.Time
	last  scanOutcome
}

// outcomeOf turns a validated QR reading into a scanOutcome.
func outcomeOf(r qr.Result, fromLive bool) scanOutcome {
	return scanOutcome{ok: r.OK(), id: r.ID, err: r.Err, fromLive: fromLive}
}

func newScanModel(now func() time.Time) *scanModel {
	return &scanModel{now: now, state: scanSearching, since: now()}
}

// Feed takes a validated reading and reports whether the screen must be redrawn.
func (m *scanModel) Feed(o scanOutcome) bool {
	switch m.state {
	case scanRead:
		return false // keep the first good read; "scan again" resets
	case scanWrongCode:
		if o.fromLive && !o.ok && qr.ReasonOf(o.err) == qr.ReasonOf(m.last.err) {
			return false // the same wrong code still held up: don't restart the message
		}
	}
	if o.ok {
		m.set(scanRead, o)
		return true
	}
	m.set(scanWrongCode, o)
	return true
}

// CameraFailed and CameraOK report the camera's state.
func (m *scanModel) CameraFailed() bool {
	if m.state == scanCameraDown || m.state == scanRead {
		return false
	}
	m.set(scanCameraDown, scanOutcome{})
	return true
}

func (m *scanModel) CameraOK() bool {
	if m.state != scanCameraDown {
		return false
	}
	m.set(scanSearching, scanOutcome{})
	return true
}

// Tick applies timeouts and reports whether the screen must be redrawn.
func (m *scanModel) Tick() bool {
	age := m.now().Sub(m.since)
	switch {
	case m.state == scanWrongCode && age >= wrongCodeShown,
		m.state == scanRead && age >= readIdle:
		m.Reset()
		return true
	}
	return false
}

// Reset forgets any reading (the application ID is personal data) and scans again.
func (m *scanModel) Reset() { m.set(scanSearching, scanOutcome{}) }

func (m *scanModel) set(s scanState, o scanOutcome) {
	m.state, m.last, m.since = s, o, m.now()
}

// last4 is the only part of the application ID the screen shows.
func (m *scanModel) last4() string {
	if m.state != scanRead {
		return ""
	}
	return m.last.id.Last4()
}
