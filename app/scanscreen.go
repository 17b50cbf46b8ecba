package app

import (
	"image"
	"image/color"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/qr"
)

// scanScreen is the first screen: the live camera with a framing guide, and what was read.
// All methods except guide run on the Fyne goroutine.
type scanScreen struct {
	model *scanModel
	msgs  *assets.Catalog

	content  fyne.CanvasObject
	title    *canvas.Text
	preview  *canvas.Image
	message  *canvas.Text
	detail   *canvas.Text
	langBtn  *widget.Button
	againBtn *widget.Button
	typeBtn  *widget.Button

	keyboard    *qr.Keyboard // a USB barcode reader types the payload and Enter
	guideStyle  atomicGuide
	wantsFrames atomic.Bool // false while a result is shown: no need to decode
}

var (
	colorText  = color.NRGBA{0x20, 0x20, 0x20, 0xff}
	colorOK    = color.NRGBA{0x1e, 0x7d, 0x3a, 0xff}
	colorWarn  = color.NRGBA{0xb3, 0x5c, 0x00, 0xff}
	colorMuted = color.NRGBA{0x55, 0x55, 0x55, 0xff}
)

func newScanScreen(lang string, now func() time.Time) *scanScreen {
	s := &scanScreen{model: newScanModel(now), msgs: assets.Messages(lang), keyboard: qr.NewKeyboard(now)}
	s.wantsFrames.Store(true)
	s.guideStyle.store(guideSearching)

	s.title = canvas.NewText("", colorText)
	s.title.TextSize = 34 // not bold: Fyne parses the 6 MB font once per text style, ~18 MB each
	s.langBtn = widget.NewButton("", s.toggleLanguage)
	header := container.NewBorder(nil, nil, nil, s.langBtn, container.NewPadded(s.title))

	blank := image.NewRGBA(image.Rect(0, 0, 16, 9))
	s.preview = canvas.NewImageFromImage(blank)
	s.preview.FillMode = canvas.ImageFillContain
	s.preview.ScaleMode = canvas.ImageScaleFastest
	s.preview.SetMinSize(fyne.NewSize(640, 360))

	s.message = canvas.NewText("", colorText)
	s.message.TextSize = 30
	s.message.Alignment = fyne.TextAlignCenter
	s.detail = canvas.NewText("", colorMuted)
	s.detail.TextSize = 24
	s.detail.Alignment = fyne.TextAlignCenter

	s.againBtn = widget.NewButton("", s.scanAgain)
	s.againBtn.Importance = widget.HighImportance
	s.typeBtn = widget.NewButton("", s.showManualEntry)
	buttons := container.NewHBox(layout.NewSpacer(), s.typeBtn, s.againBtn, layout.NewSpacer())
	footer := container.NewVBox(s.message, s.detail, buttons, widget.NewLabel(""))

	s.content = container.NewBorder(header, footer, nil, nil, s.preview)
	s.render()
	return s
}

// guide is read by the frame pump goroutine.
func (s *scanScreen) guide() guideStyle { return s.guideStyle.load() }

func (s *scanScreen) showPreview(img *image.RGBA) {
	s.preview.Image = img
	s.preview.Refresh()
}

func (s *scanScreen) feed(o scanOutcome) {
	if s.model.Feed(o) {
		s.render()
	}
}

func (s *scanScreen) cameraFailed() {
	if s.model.CameraFailed() {
		s.render()
	}
}

func (s *scanScreen) cameraOK() {
	if s.model.CameraOK() {
		s.render()
	}
}

func (s *scanScreen) tick() {
	if s.model.Tick() {
		s.keyboard.Clear() // half-typed digits left by someone who walked away
		s.render()
	}
}

func (s *scanScreen) scanAgain() { s.wipe() }

// wipe forgets the application ID and anything typed, and clears them from the screen.
func (s *scanScreen) wipe() {
	s.model.Reset()
	s.keyboard.Clear()
	s.render()
}

func (s *scanScreen) toggleLanguage() {
	if s.msgs.Lang() == "ja" {
		s.msgs = assets.Messages("en")
	} else {
		s.msgs = assets.Messages("ja")
	}
	s.render()
}

// typedRune and typedKey receive keys typed anywhere on the window: a USB barcode reader types
// the QR payload and Enter.
func (s *scanScreen) typedRune(r rune) { s.keyboard.Rune(r) }

func (s *scanScreen) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyBackspace:
		s.keyboard.Backspace()
	case fyne.KeyEscape:
		s.keyboard.Clear()
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.keyboard.Text() != "" {
			s.feed(outcomeOf(s.keyboard.Enter().Result, false))
		}
	}
}

// showManualEntry lets a resident or clerk type the 23 digits printed on the form. It is a modal
// pop-up of our own rather than a Fyne dialog: a dialog's bold title would make Fyne parse the
// Japanese font a second time (~18 MB).
func (s *scanScreen) showManualEntry() {
	c := fyne.CurrentApp().Driver().CanvasForObject(s.content)
	if c == nil {
		return
	}
	entry := widget.NewEntry()
	entry.SetPlaceHolder("0000 0000 0000 0000 0000 000")
	errText := canvas.NewText("", colorWarn)
	errText.TextSize = 20
	var pop *widget.PopUp
	closePopUp := func() {
		entry.SetText("") // typed digits are personal data: never leave them behind
		pop.Hide()
	}
	submit := func() {
		o := outcomeOf(qr.ValidateTyped(entry.Text), false)
		if !o.ok {
			errText.Text = s.msgs.Error(o.err)
			errText.Refresh()
			return
		}
		closePopUp()
		s.feed(o)
	}
	entry.OnSubmitted = func(string) { submit() }
	ok := widget.NewButton(s.msgs.T("ui.manual.ok"), submit)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(s.msgs.T("ui.manual.cancel"), closePopUp)
	body := container.NewVBox(
		widget.NewLabel(s.msgs.T("qr.manual.prompt")), entry, errText,
		container.NewHBox(layout.NewSpacer(), cancel, ok))
	pop = widget.NewModalPopUp(container.NewPadded(body), c)
	pop.Resize(fyne.NewSize(760, body.MinSize().Height+40))
	pop.Show()
	c.Focus(entry)
}

// render draws the model.
func (s *scanScreen) render() {
	m := s.msgs
	s.title.Text = m.T("ui.title")
	s.langBtn.SetText(m.T("ui.language"))
	s.typeBtn.SetText(m.T("ui.scan.manual"))
	s.againBtn.SetText(m.T("ui.scan.again"))
	s.detail.Text = ""
	s.againBtn.Hide()
	s.typeBtn.Show()
	s.wantsFrames.Store(false)

	switch s.model.state {
	case scanSearching:
		s.message.Text, s.message.Color = m.T("ui.scan.prompt"), colorText
		s.detail.Text = m.T("ui.scan.hint")
		s.guideStyle.store(guideSearching)
		s.wantsFrames.Store(true)
	case scanRead:
		s.message.Text, s.message.Color = m.T("ui.scan.read"), colorOK
		s.detail.Text = m.T("ui.scan.masked_id", s.model.last4())
		s.guideStyle.store(guideRead)
		s.againBtn.Show()
		s.typeBtn.Hide()
	case scanWrongCode:
		s.message.Text, s.message.Color = m.Error(s.model.last.err), colorWarn
		s.detail.Text = m.T("ui.scan.hint")
		s.guideStyle.store(guideWrong)
		s.wantsFrames.Store(true)
	case scanCameraDown:
		s.message.Text, s.message.Color = m.T("ui.camera.unavailable"), colorWarn
		s.guideStyle.store(guideStyle{})
	}
	s.title.Refresh()
	s.message.Refresh()
	s.detail.Refresh()
}
