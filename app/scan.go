package app

import (
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
)

// scanScreen reads the form: the camera preview with its guide, and beside it what to do, what
// was read, or a keypad to type the 23 digits printed on the form.
type scanScreen struct {
	preview *canvas.Image
	// camera-side panel
	prompt, hint, where, status, masked *widget.Label
	again, typeID                       *tapButton
	cameraPanel                         fyne.CanvasObject
	// typing panel
	typing                     bool
	typePrompt, typed, typeErr *widget.Label
	typeOK, typeClose          *tapButton
	pad                        *keypad
	typePanel                  fyne.CanvasObject
	panel                      *fyne.Container
	box                        fyne.CanvasObject
}

func newScanScreen(k *kiosk) *scanScreen {
	s := &scanScreen{preview: newPreview()}
	s.prompt, s.hint = newText(sizeBody, fyne.TextAlignLeading), newText(sizeBody, fyne.TextAlignLeading)
	s.where, s.status = newText(sizeSmall, fyne.TextAlignLeading), newText(sizeHeading, fyne.TextAlignLeading)
	s.masked = newText(sizeHeading, fyne.TextAlignLeading)
	s.again = newTapButton("", false, func() { k.send(flow.ScanAgain{}) })
	s.typeID = newTapButton("", false, func() { s.typing = true; k.refreshScreen() })
	s.cameraPanel = container.NewVBox(s.prompt, s.hint, s.where, s.status, s.masked, gap(), s.typeID, s.again)

	s.typePrompt, s.typed, s.typeErr = newText(sizeBody, fyne.TextAlignLeading), newText(sizeHeading, fyne.TextAlignLeading), newText(sizeBody, fyne.TextAlignLeading)
	s.pad = newKeypad(func(d byte) { k.keyboard.Rune(rune(d)); k.send(flow.Activity{}); k.refreshScreen() },
		func() { k.keyboard.Backspace(); k.send(flow.Activity{}); k.refreshScreen() })
	s.typeOK = newTapButton("", true, func() { k.enterTypedID() })
	s.typeClose = newTapButton("", false, func() { s.closeTyping(k) })
	s.typePanel = container.NewVBox(s.typePrompt, s.typed, s.typeErr, s.pad.content, gap(),
		container.NewGridWithColumns(2, s.typeClose, s.typeOK))
	s.panel = container.NewStack(s.cameraPanel)
	s.box = container.New(splitLayout{ratio: 0.56}, s.preview, container.NewVScroll(s.panel))
	return s
}

func (s *scanScreen) content() fyne.CanvasObject { return s.box }

func (s *scanScreen) closeTyping(k *kiosk) {
	s.typing = false
	k.keyboard.Clear()
	k.refreshScreen()
}

func (s *scanScreen) wipe() {
	s.typing = false
	setText(s.typed, "", 0)
	setText(s.masked, "", 0)
}

func (s *scanScreen) render(k *kiosk) {
	m, f := k.msgs, k.flow
	if s.typing && f.ScanPhase() == flow.ScanRead {
		s.typing = false // read (by the camera, or the typed ID): the keypad has done its job
	}
	if s.typing {
		s.panel.Objects = []fyne.CanvasObject{s.typePanel}
		setText(s.typePrompt, k.words("ui.scan.manual.prompt"), 0)
		digits := k.keyboard.Text()
		shown := groupFormID(digits)
		if shown == "" {
			shown = "_"
		}
		setText(s.typed, shown, 0)
		msg, imp := m.T("ui.scan.manual.count", k.keyboard.Digits()), widget.MediumImportance
		if f.ScanPhase() == flow.ScanWrong && !f.Session().FormFromCamera {
			msg, imp = "✗ "+m.Error(f.ScanErr()), widget.DangerImportance
		}
		setText(s.typeErr, msg, imp)
		s.pad.del.set(m.T("ui.keypad.delete"), true)
		s.typeOK.set(m.T("ui.scan.manual.ok"), k.keyboard.Text() != "")
		s.typeClose.set(m.T("ui.scan.manual.close"), true)
		s.panel.Refresh()
		return
	}
	s.panel.Objects = []fyne.CanvasObject{s.cameraPanel}
	s.panel.Refresh()
	setText(s.prompt, k.words("ui.scan.prompt"), 0)
	setText(s.hint, m.T("ui.scan.hint"), 0)
	setText(s.where, m.T("ui.scan.where"), 0)
	s.typeID.set(m.T("ui.scan.manual"), true)
	s.again.set(m.T("ui.scan.again"), true)
	s.again.Hide()
	s.typeID.Show()
	setText(s.masked, "", 0)
	switch {
	case f.ScanPhase() == flow.ScanRead:
		setText(s.status, "✓ "+k.words("ui.scan.read"), widget.SuccessImportance)
		setText(s.masked, m.T("ui.scan.masked_id", f.Session().FormID.Last4()), 0)
		s.again.Show()
		s.typeID.Hide()
	case f.ScanPhase() == flow.ScanWrong:
		setText(s.status, "✗ "+m.Error(f.ScanErr()), widget.DangerImportance)
	case f.CameraDown():
		setText(s.status, "✗ "+m.T("ui.camera.unavailable"), widget.DangerImportance)
	default:
		setText(s.status, "", 0)
	}
}

// groupFormID writes typed digits in the form's 3-4-4-4-4-4 grouping, so the resident can
// compare them with the paper as they type.
func groupFormID(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			continue
		}
		if n == 3 || (n > 3 && (n-3)%4 == 0) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// enterTypedID validates what was typed (keypad or keyboard) as the form's ID.
func (k *kiosk) enterTypedID() {
	if k.keyboard.Text() == "" {
		return
	}
	e := k.keyboard.Enter()
	k.send(flow.FormRead{ID: e.ID, Err: e.Err})
}

// newPreview is the camera preview widget.
func newPreview() *canvas.Image {
	p := canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 16, 9)))
	p.FillMode = canvas.ImageFillContain
	p.ScaleMode = canvas.ImageScaleFastest
	p.SetMinSize(fyne.NewSize(320, 180))
	return p
}

// words is the text for key, or at a counter the counter's own wording of it where it has one:
// there the clerk, not the resident, holds the form up or types its ID.
func (k *kiosk) words(key string) string {
	if k.flow.Counter() {
		if c := "counter." + strings.TrimPrefix(key, "ui."); k.msgs.Has(c) {
			return k.msgs.T(c)
		}
	}
	return k.msgs.T(key)
}
