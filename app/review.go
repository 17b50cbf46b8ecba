package app

import (
	"bytes"
	"image"
	_ "image/jpeg" // the checked crop
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
)

// reviewScreen shows the 35:45 crop large, beside whether it can be used and, if not, what is
// wrong in plain words. A refused photo is retaken; after booth.ResidentTries refusals staff
// can help.
type reviewScreen struct {
	photo                      *canvas.Image
	shownJPEG                  []byte
	heading, verdict, problems *widget.Label
	tries, staffNote           *widget.Label
	callStaff                  *tapButton
	box                        fyne.CanvasObject
}

func newReviewScreen(k *kiosk) *reviewScreen {
	s := &reviewScreen{photo: canvas.NewImageFromImage(placeholder)}
	s.photo.FillMode = canvas.ImageFillContain
	s.photo.SetMinSize(fyne.NewSize(280, 360))
	s.heading, s.verdict = newText(sizeBody, fyne.TextAlignLeading), newText(sizeHeading, fyne.TextAlignLeading)
	s.problems, s.tries = newText(sizeBody, fyne.TextAlignLeading), newText(sizeSmall, fyne.TextAlignLeading)
	s.staffNote = newText(sizeSmall, fyne.TextAlignLeading)
	s.callStaff = newTapButton("", false, func() { k.send(flow.CallStaff{}) })
	s.box = container.New(splitLayout{ratio: 0.42}, s.photo,
		container.NewVScroll(container.NewVBox(s.heading, s.verdict, s.problems, gap(), s.tries, s.staffNote, s.callStaff)))
	return s
}

func (s *reviewScreen) content() fyne.CanvasObject { return s.box }

func (s *reviewScreen) wipe() {
	s.shownJPEG = nil
	blankImage(s.photo)
	setText(s.problems, "", 0)
}

func (s *reviewScreen) render(k *kiosk) {
	m, f := k.msgs, k.flow
	p := f.Session().Photo
	if p == nil {
		return
	}
	if len(p.JPEG) == 0 || !bytes.Equal(s.shownJPEG, p.JPEG) {
		s.shownJPEG = p.JPEG
		s.photo.Image = decodeOr(p.JPEG)
		s.photo.Refresh()
	}
	heading := m.T("ui.review.heading") // "the photo taken": at a counter it may be a scan or a file
	if f.Counter() {
		heading = m.T("counter.review.heading")
	}
	setText(s.heading, heading, 0)
	s.callStaff.Hide()
	setText(s.staffNote, "", 0)
	if p.OK {
		setText(s.verdict, "✓ "+m.T("ui.review.ok"), widget.SuccessImportance)
		setText(s.problems, "", 0)
		setText(s.tries, "", 0)
		return
	}
	setText(s.verdict, "✗ "+m.T("ui.review.bad"), widget.DangerImportance)
	setText(s.problems, problemText(m, p.Problems), 0)
	if left := f.TriesLeft(); left > 0 && !f.Counter() {
		setText(s.tries, m.T("ui.review.tries_left", left), 0)
	} else {
		setText(s.tries, "", 0)
	}
	if f.Counter() {
		// The clerk decides at once; a file that is no image cannot be accepted.
		s.callStaff.set(m.T("counter.review.override"), !slices.Contains(p.Codes(), booth.NotAnImage))
		s.callStaff.Show()
	} else if f.StaffHelp() {
		setText(s.staffNote, m.T("ui.review.staff"), 0)
		s.callStaff.set(m.T("ui.review.call_staff"), true)
		s.callStaff.Show()
	}
}

// problemText lists what is wrong, the most important first (at most three: one thing at a
// time is what a person can act on).
func problemText(m *assets.Catalog, ps []flow.Problem) string {
	var lines []string
	for i, p := range ps {
		if i == 3 {
			break
		}
		lines = append(lines, "• "+m.T(p.Key, p.Args...))
	}
	return strings.Join(lines, "\n")
}

// decodeOr decodes a JPEG for the screen, or gives the placeholder.
func decodeOr(jpeg []byte) image.Image {
	if len(jpeg) == 0 {
		return placeholder
	}
	img, _, err := image.Decode(bytes.NewReader(jpeg))
	if err != nil {
		return placeholder
	}
	return img
}

// pinScreen takes a PIN on the keypad: staff accepting a refused photo, or the operator.
type pinScreen struct {
	heading, dots, err *widget.Label
	pad                *keypad
	box                fyne.CanvasObject
}

func newPINScreen(k *kiosk) *pinScreen {
	s := &pinScreen{heading: newText(sizeHeading, fyne.TextAlignCenter), dots: newText(sizeLarge, fyne.TextAlignCenter),
		err: newText(sizeBody, fyne.TextAlignCenter)}
	s.pad = newKeypad(func(d byte) { k.send(flow.Digit{D: d}) }, func() { k.send(flow.Backspace{}) })
	s.box = container.NewCenter(container.NewVBox(s.heading, s.dots, s.err, s.pad.content))
	return s
}

func (s *pinScreen) content() fyne.CanvasObject { return s.box }

func (s *pinScreen) render(k *kiosk) {
	m, f := k.operatorMsgs(), k.flow
	if f.State() == flow.StaffPIN {
		m = k.msgs
		setText(s.heading, m.T("ui.staff.pin.heading"), 0)
	} else {
		setText(s.heading, m.T("operator.pin.heading"), 0)
	}
	setText(s.dots, strings.Repeat("● ", f.PINLength())+strings.Repeat("○ ", max(0, 4-f.PINLength())), 0)
	if err := f.InputErr(); err != nil {
		setText(s.err, "✗ "+m.Error(err), widget.DangerImportance)
	} else {
		setText(s.err, "", 0)
	}
	s.pad.del.set(m.T("ui.keypad.delete"), true)
}

// staffReasonScreen: staff say why they accept the refused photo. The reason is recorded with
// the application in Japanese, whatever the resident's language, as staff wrote it.
type staffReasonScreen struct {
	heading, err *widget.Label
	buttons      []*tapButton
	box          fyne.CanvasObject
}

var staffReasonKeys = []string{"ui.staff.reason.checked", "ui.staff.reason.medical", "ui.staff.reason.difficult"}

func newStaffReasonScreen(k *kiosk) *staffReasonScreen {
	s := &staffReasonScreen{heading: newText(sizeHeading, fyne.TextAlignLeading), err: newText(sizeBody, fyne.TextAlignLeading)}
	box := container.NewVBox(s.heading, gap())
	for _, key := range staffReasonKeys {
		b := newTapButton("", false, func() {
			k.send(flow.StaffAccept{Reason: assets.Messages(assets.DefaultLanguage).T(key)})
		})
		s.buttons = append(s.buttons, b)
		box.Add(b)
		box.Add(gap())
	}
	box.Add(s.err)
	s.box = container.NewCenter(box)
	return s
}

func (s *staffReasonScreen) content() fyne.CanvasObject { return s.box }

func (s *staffReasonScreen) render(k *kiosk) {
	m := k.msgs
	setText(s.heading, m.T("ui.staff.reason.heading"), 0)
	for i, key := range staffReasonKeys {
		s.buttons[i].set(m.T(key), true)
	}
	if err := k.flow.InputErr(); err != nil {
		setText(s.err, "✗ "+m.Error(err), widget.DangerImportance)
	} else {
		setText(s.err, "", 0)
	}
}
