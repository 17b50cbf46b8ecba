package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
)

// optionsScreen asks the two questions of the form: the electronic certificates (with one line
// on what they are for) and the name in braille. Each has a default the big button accepts.
type optionsScreen struct {
	heading                          *widget.Label
	ecert, ecertHelp, braille, bHelp *widget.Label
	ecertYes, ecertNo, brYes, brNo   *tapButton
	box                              fyne.CanvasObject
}

func newOptionsScreen(k *kiosk) *optionsScreen {
	s := &optionsScreen{heading: newText(sizeHeading, fyne.TextAlignLeading)}
	s.ecert, s.ecertHelp = newText(sizeBody, fyne.TextAlignLeading), newText(sizeSmall, fyne.TextAlignLeading)
	s.braille, s.bHelp = newText(sizeBody, fyne.TextAlignLeading), newText(sizeSmall, fyne.TextAlignLeading)
	s.ecertYes = newTapButton("", false, func() { k.send(flow.SetECertificate{Yes: true}) })
	s.ecertNo = newTapButton("", false, func() { k.send(flow.SetECertificate{Yes: false}) })
	s.brYes = newTapButton("", false, func() { k.send(flow.SetBraille{Yes: true}) })
	s.brNo = newTapButton("", false, func() { k.send(flow.SetBraille{Yes: false}) })
	question := func(q, help *widget.Label, yes, no *tapButton) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, container.NewHBox(yes, gap(), no), container.NewVBox(q, help))
	}
	s.box = container.NewVScroll(container.NewVBox(s.heading, gap(), question(s.ecert, s.ecertHelp, s.ecertYes, s.ecertNo), gap(), gap(),
		question(s.braille, s.bHelp, s.brYes, s.brNo)))
	return s
}

func (s *optionsScreen) content() fyne.CanvasObject { return s.box }

func (s *optionsScreen) render(k *kiosk) {
	m, o := k.msgs, k.flow.Session().Options
	setText(s.heading, m.T("ui.options.heading"), 0)
	setText(s.ecert, m.T("ui.options.ecert"), 0)
	setText(s.ecertHelp, m.T("ui.options.ecert.help"), 0)
	setText(s.braille, m.T("ui.options.braille"), 0)
	setText(s.bHelp, m.T("ui.options.braille.help"), 0)
	for _, c := range []struct {
		b   *tapButton
		yes bool
		on  bool
	}{{s.ecertYes, true, o.ECertificate}, {s.ecertNo, false, !o.ECertificate}, {s.brYes, true, o.Braille}, {s.brNo, false, !o.Braille}} {
		text := m.T("ui.no")
		if c.yes {
			text = m.T("ui.yes")
		}
		c.b.Selected = c.on
		c.b.set(text, true)
		c.b.Refresh()
	}
}

// instructionsScreen says how to sit for the photo, one instruction a line, each with a mark.
type instructionsScreen struct {
	heading *widget.Label
	items   []*widget.Label
	box     fyne.CanvasObject
}

var instructionKeys = []string{"ui.instructions.hat", "ui.instructions.hair", "ui.instructions.glasses",
	"ui.instructions.mouth", "ui.instructions.straight"}

func newInstructionsScreen(*kiosk) *instructionsScreen {
	s := &instructionsScreen{heading: newText(sizeHeading, fyne.TextAlignLeading)}
	box := container.NewVBox(s.heading, gap())
	for range instructionKeys {
		l := newText(sizeBody, fyne.TextAlignLeading)
		s.items = append(s.items, l)
		box.Add(l)
	}
	s.box = container.NewVScroll(container.NewPadded(box))
	return s
}

func (s *instructionsScreen) content() fyne.CanvasObject { return s.box }

func (s *instructionsScreen) render(k *kiosk) {
	setText(s.heading, k.msgs.T("ui.instructions.heading"), 0)
	for i, key := range instructionKeys {
		setText(s.items[i], circled[i]+"  "+k.msgs.T(key), 0)
	}
}
