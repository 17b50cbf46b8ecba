package app

import (
	"bytes"
	"image"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
)

// confirmScreen shows what is sent: only the last 4 digits of the form ID, the date of birth,
// the options and the photo; the primary action is the consent itself ("Agree and send").
type confirmScreen struct {
	heading, consent, staffPhoto  *widget.Label
	rows                          *widget.Form
	formID, birth, ecert, braille *widget.Label
	identity, clerk               *widget.Label // counter mode
	slipLabel                     *widget.Label
	slipLang                      *tapButton
	slipRow                       fyne.CanvasObject
	photo                         *canvas.Image
	shownJPEG                     []byte
	box                           fyne.CanvasObject
	labels                        [6]*widget.Label
}

func newConfirmScreen(k *kiosk) *confirmScreen {
	s := &confirmScreen{heading: newText(sizeHeading, fyne.TextAlignLeading), consent: newText(sizeBody, fyne.TextAlignLeading),
		staffPhoto: newText(sizeSmall, fyne.TextAlignLeading), photo: canvas.NewImageFromImage(placeholder)}
	s.photo.FillMode = canvas.ImageFillContain
	s.photo.SetMinSize(fyne.NewSize(210, 270))
	grid := container.NewGridWithColumns(2)
	vals := []**widget.Label{&s.formID, &s.birth, &s.ecert, &s.braille, &s.identity, &s.clerk}
	for i := range s.labels {
		s.labels[i] = newText(sizeBody, fyne.TextAlignLeading)
		*vals[i] = newText(sizeBody, fyne.TextAlignLeading)
		grid.Add(s.labels[i])
		grid.Add(*vals[i])
	}
	// Counter mode: the applicant's language for the slip, drawn in its own script (L or a tap
	// goes to the next language offered).
	s.slipLabel = newText(sizeBody, fyne.TextAlignLeading)
	s.slipLang = newTapButton("", false, func() { k.cycleSlipLang() })
	s.slipLang.MinWidth, s.slipLang.Fit = 300, true
	s.slipRow = container.NewGridWithColumns(2, s.slipLabel, s.slipLang)
	s.box = container.New(splitLayout{ratio: 0.7},
		container.NewVScroll(container.NewVBox(s.heading, grid, s.slipRow, gap(), s.consent)),
		container.NewVBox(s.photo, s.staffPhoto))
	return s
}

func (s *confirmScreen) content() fyne.CanvasObject { return s.box }

func (s *confirmScreen) wipe() {
	s.shownJPEG = nil
	blankImage(s.photo)
	for _, l := range []*widget.Label{s.formID, s.birth} {
		setText(l, "", 0)
	}
}

func (s *confirmScreen) render(k *kiosk) {
	m, ses := k.msgs, k.flow.Session()
	setText(s.heading, m.T("ui.confirm.heading"), 0)
	for i, key := range []string{"ui.confirm.form_id", "ui.confirm.birth", "ui.confirm.ecert", "ui.confirm.braille"} {
		setText(s.labels[i], m.T(key), 0)
	}
	setText(s.formID, ses.FormID.Mask(), 0)
	if d, err := ses.Birth.Date(k.now()); err == nil {
		setText(s.birth, formatDate(m, d), 0)
	}
	setText(s.ecert, yesNo(m, ses.Options.ECertificate), 0)
	setText(s.braille, yesNo(m, ses.Options.Braille), 0)
	setText(s.consent, m.T("ui.confirm.consent"), 0)
	s.renderCounter(k)
	if k.counter() && ses.Check.Overridden() {
		setText(s.staffPhoto, m.T("counter.confirm.override")+"\n"+m.T("counter.override."+ses.Check.OverrideReason), 0)
	} else if ses.Check.Overridden() {
		setText(s.staffPhoto, m.T("ui.confirm.photo_staff"), 0)
	} else {
		setText(s.staffPhoto, "", 0)
	}
	if p := ses.Photo; p != nil && !bytes.Equal(s.shownJPEG, p.JPEG) {
		s.shownJPEG = p.JPEG
		s.photo.Image = decodeOr(p.JPEG)
		s.photo.Refresh()
	}
}

// slipLang is the language the slip will be in beside Japanese (counter mode).
func (k *kiosk) slipLang() string {
	if l := k.flow.Session().SlipLang; l != "" {
		return l
	}
	return k.flow.Session().Lang
}

// cycleSlipLang chooses the next offered language for the slip.
func (k *kiosk) cycleSlipLang() {
	langs := k.opt.Settings.Languages
	if len(langs) == 0 {
		return
	}
	i := slices.Index(langs, k.slipLang())
	k.send(flow.SetSlipLang{Lang: langs[(i+1)%len(langs)]})
}

func yesNo(m *assets.Catalog, v bool) string {
	if v {
		return m.T("ui.yes")
	}
	return m.T("ui.no")
}

// messageScreen is a heading and a few lines: sending, and the failsafe "please ask staff".
type messageScreen struct {
	heading, body *widget.Label
	box           fyne.CanvasObject
	keys          func(k *kiosk) (heading, body string)
}

func newMessageScreen(keys func(k *kiosk) (string, string)) *messageScreen {
	s := &messageScreen{heading: newText(sizeHeading, fyne.TextAlignCenter), body: newText(sizeBody, fyne.TextAlignCenter), keys: keys}
	s.box = container.NewCenter(container.NewVBox(s.heading, gap(), s.body))
	return s
}

func (s *messageScreen) content() fyne.CanvasObject { return s.box }

func (s *messageScreen) render(k *kiosk) {
	h, b := s.keys(k)
	setText(s.heading, h, 0)
	setText(s.body, b, 0)
}

func newSendingScreen(*kiosk) *messageScreen {
	return newMessageScreen(func(k *kiosk) (string, string) { return k.msgs.T("ui.sending"), "" })
}

// The failsafe screen: calm, nothing personal, and the reassurance that nothing accepted is lost.
func newAskStaffScreen(*kiosk) *messageScreen {
	return newMessageScreen(func(k *kiosk) (string, string) {
		return k.msgs.T("ui.ask_staff.heading"), k.msgs.T("ui.ask_staff.body")
	})
}

// doneScreen thanks the resident: the receipt number, the slip (or why it did not print), that
// the application is saved and will be sent, and what happens next. Nothing personal.
type doneScreen struct {
	heading, receiptLabel, receipt, slip, saved, card, status *widget.Label
	sheet                                                     *tapButton
	box                                                       fyne.CanvasObject
}

func newDoneScreen(k *kiosk) *doneScreen {
	s := &doneScreen{}
	for _, l := range []**widget.Label{&s.receiptLabel, &s.slip, &s.saved, &s.card, &s.status} {
		*l = newText(sizeBody, fyne.TextAlignLeading)
	}
	s.heading, s.receipt = newText(sizeHeading, fyne.TextAlignLeading), newText(sizeLarge, fyne.TextAlignLeading)
	s.sheet = newTapButton("", false, func() {
		if k.counter() {
			k.send(flow.Reprint{}) // the counter's button reprints the slip
		} else {
			k.send(flow.PrintPhotoSheet{})
		}
	})
	s.box = container.NewVScroll(container.NewVBox(s.heading, s.receiptLabel, s.receipt, s.slip, gap(),
		s.saved, s.card, s.status, gap(), s.sheet))
	return s
}

func (s *doneScreen) content() fyne.CanvasObject { return s.box }

func (s *doneScreen) render(k *kiosk) {
	m, f := k.msgs, k.flow
	ses := f.Session()
	setText(s.heading, "✓ "+m.T("ui.done.heading"), widget.SuccessImportance)
	setText(s.receiptLabel, m.T("ui.done.receipt"), 0)
	if r := ses.Result; r != nil && r.Application != nil {
		setText(s.receipt, r.Application.Receipt, 0)
		switch {
		case r.SlipPrinted && ses.SlipFile != "":
			setText(s.slip, m.T("ui.done.slip_file", ses.SlipFile), 0)
		case r.SlipPrinted:
			setText(s.slip, m.T("ui.done.take_slip"), 0)
		case r.SlipErr != nil:
			setText(s.slip, "✗ "+m.T("ui.done.slip_failed"), widget.DangerImportance)
		default:
			setText(s.slip, "", 0)
		}
	}
	setText(s.saved, m.T("ui.done.saved"), 0)
	setText(s.card, m.T("ui.done.card"), 0)
	setText(s.status, m.T("ui.done.status"), 0)
	if k.counter() {
		s.renderCounter(k)
		return
	}
	switch {
	case f.PhotoSheetOffered():
		s.sheet.set(m.T("ui.done.photo_sheet"), true)
		s.sheet.Show()
	case k.opt.Settings.PhotoSheet && ses.Result != nil:
		s.sheet.set(m.T("ui.done.photo_sheet_printing"), false)
		s.sheet.Show()
	default:
		s.sheet.Hide()
	}
}

func (s *doneScreen) wipe() { setText(s.receipt, "", 0) }

// renderCounter shows the counter's rows: whether identity was verified (the card mailed) and
// the clerk; the kiosk hides them.
func (s *confirmScreen) renderCounter(k *kiosk) {
	rows := []*widget.Label{s.labels[4], s.identity, s.labels[5], s.clerk}
	if !k.counter() || k.flow.Clerk() == nil {
		for _, l := range rows {
			l.Hide()
		}
		s.slipRow.Hide()
		return
	}
	s.slipRow.Show()
	setText(s.slipLabel, k.msgs.T("counter.confirm.slip_lang"), 0)
	lang := k.slipLang()
	s.slipLang.Picture = func(px int, on bool) image.Image { return languageName(lang, px, on) }
	s.slipLang.Text = lang // not drawn (the picture is); for tests and logs
	s.slipLang.Refresh()
	m := k.msgs
	setText(s.labels[4], m.T("counter.confirm.identity"), 0)
	setText(s.labels[5], m.T("counter.confirm.clerk"), 0)
	if v, err := k.flow.Verification(); err == nil && v.Verdict.OK {
		setText(s.identity, "✓ "+m.T("counter.confirm.mailed"), widget.SuccessImportance)
	} else {
		setText(s.identity, m.T("counter.confirm.collect"), 0)
	}
	setText(s.clerk, k.flow.Clerk().Name, 0)
	for _, l := range rows {
		l.Show()
	}
}

// renderCounter: at the counter the done screen says how the card reaches the applicant and
// offers a reprint of the slip (P).
func (s *doneScreen) renderCounter(k *kiosk) {
	m, ses := k.msgs, k.flow.Session()
	if r := ses.Result; r != nil && r.Application != nil && r.Application.CardMailed {
		setText(s.card, m.T("counter.done.mailed"), 0)
	} else {
		setText(s.card, m.T("counter.done.collect"), 0)
	}
	setText(s.saved, "", 0)
	setText(s.status, "", 0)
	if ses.Reprints > 0 {
		s.sheet.set(m.T("counter.done.reprint")+"  ·  "+m.T("counter.done.reprinted", ses.Reprints), k.opt.Printer != nil)
	} else {
		s.sheet.set(m.T("counter.done.reprint"), k.opt.Printer != nil && ses.Result != nil)
	}
	s.sheet.Show()
}
