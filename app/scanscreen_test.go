package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The screen draws the model: the masked ID only (never the whole ID), in the chosen language.
func TestScanScreenShowsOnlyLast4(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	c := newFakeClock()
	s := newScanScreen("ja", c.now)
	w := test.NewWindow(s.content)
	defer w.Close()

	if !strings.Contains(s.message.Text, "QRコード") || !s.wantsFrames.Load() {
		t.Fatalf("searching: %q", s.message.Text)
	}
	s.feed(live(formID))
	if s.detail.Text != "申請書ID　末尾 0955" || s.wantsFrames.Load() || s.againBtn.Hidden {
		t.Fatalf("read: %q", s.detail.Text)
	}
	if strings.Contains(s.detail.Text+s.message.Text, formID[:19]) {
		t.Fatal("the screen shows more than the last 4 digits")
	}
	s.toggleLanguage()
	if s.detail.Text != "Application ID ending 0955" || s.langBtn.Text != "日本語" {
		t.Fatalf("english: %q / %q", s.detail.Text, s.langBtn.Text)
	}
	test.Tap(s.againBtn)
	if s.detail.Text == "Application ID ending 0955" || s.model.last.id != "" {
		t.Fatal("scan again must wipe the ID")
	}
}

// A USB barcode reader types the payload quickly and presses Enter.
func TestScanScreenBarcodeReader(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	c := newFakeClock()
	s := newScanScreen("en", c.now)
	for _, r := range "https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?applicationId=" + formID {
		s.typedRune(r)
		c.add(4 * time.Millisecond)
	}
	s.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.model.state != scanRead || s.model.last4() != "0955" {
		t.Fatalf("state %v", s.model.state)
	}
	s.scanAgain()
	for _, r := range "not a form" {
		s.typedRune(r)
		c.add(4 * time.Millisecond)
	}
	s.typedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	if s.model.state != scanWrongCode || !strings.Contains(s.message.Text, "QR code") {
		t.Fatalf("wrong code: state %v message %q", s.model.state, s.message.Text)
	}
}

// Digits someone typed and walked away from are forgotten with the session.
func TestScanScreenForgetsHalfTypedDigits(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	c := newFakeClock()
	s := newScanScreen("ja", c.now)
	s.feed(live(formID))
	for _, r := range "0070730539" {
		s.typedRune(r)
		c.add(300 * time.Millisecond)
	}
	c.add(readIdle)
	s.tick()
	if s.keyboard.Text() != "" || s.model.state != scanSearching {
		t.Fatalf("after the idle time-out: typed %q, state %v", s.keyboard.Text(), s.model.state)
	}
}
