package app

import (
	"testing"
	"time"

	"github.com/idbooth/idbooth/qr"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock           { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }
func live(payload string) scanOutcome    { return outcomeOf(qr.Validate(payload), true) }
func typed(text string) scanOutcome      { return outcomeOf(qr.ValidateTyped(text), false) }

const formID = "00707305390250374060955"

func TestScanModelReadKeepsFirstAndWipesWhenIdle(t *testing.T) {
	c := newFakeClock()
	m := newScanModel(c.now)
	if !m.Feed(live(formID)) || m.state != scanRead || m.last4() != "0955" {
		t.Fatalf("state %v last4 %q", m.state, m.last4())
	}
	// The same code seen again, or another one, does not replace a read the resident saw.
	if m.Feed(live("12345678901234567890123")) || m.last4() != "0955" {
		t.Fatal("a second read replaced the first")
	}
	c.add(readIdle - time.Second)
	if m.Tick() {
		t.Fatal("wiped too early")
	}
	c.add(2 * time.Second)
	if !m.Tick() || m.state != scanSearching || m.last.id != "" || m.last4() != "" {
		t.Fatal("an idle read must be wiped: the next person must not see it")
	}
}

func TestScanModelWrongCodeMessageIsSteady(t *testing.T) {
	c := newFakeClock()
	m := newScanModel(c.now)
	tracker := "https://click.example.net/ls/click?upn=abc"
	if !m.Feed(live(tracker)) || m.state != scanWrongCode || qr.ReasonOf(m.last.err) != qr.ReasonNoID {
		t.Fatalf("state %v err %v", m.state, m.last.err)
	}
	// Held up for a while: the message must not restart (and flicker) on every frame...
	c.add(3 * time.Second)
	if m.Feed(live(tracker)) {
		t.Fatal("redraw for the same wrong code")
	}
	// ...so it times out four seconds after it first appeared.
	c.add(1500 * time.Millisecond)
	if !m.Tick() || m.state != scanSearching {
		t.Fatal("wrong-code message should time out")
	}
	// A right code replaces a wrong one at once.
	m.Feed(live("http://example.com/" + formID))
	if !m.Feed(typed("0070 7305 3902 5037 4060 955")) || m.state != scanRead {
		t.Fatal("a typed ID after a wrong code")
	}
}

func TestScanModelCamera(t *testing.T) {
	c := newFakeClock()
	m := newScanModel(c.now)
	if !m.CameraFailed() || m.state != scanCameraDown || m.CameraFailed() {
		t.Fatal("camera failure")
	}
	if !m.CameraOK() || m.state != scanSearching || m.CameraOK() {
		t.Fatal("camera back")
	}
	m.Feed(live(formID))
	if m.CameraFailed() || m.state != scanRead {
		t.Fatal("a camera hiccup must not throw away a read form")
	}
}
