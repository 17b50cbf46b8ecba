package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
)

// idleOverlay covers the screen: "are you still there?" with a countdown, or the language
// chooser opened from a session. It is part of the window, not a pop-up, so it scales with the
// theme and tests see it like any screen.
type idleOverlay struct {
	content       *fyne.Container
	heading, body *widget.Label
	cont          *tapButton
	langs         *languageGrid
	choosing      bool
	question      fyne.CanvasObject
	langBox       fyne.CanvasObject
}

func newIdleOverlay(k *kiosk) *idleOverlay {
	o := &idleOverlay{heading: newText(sizeHeading, fyne.TextAlignCenter), body: newText(sizeBody, fyne.TextAlignCenter)}
	o.cont = newTapButton("", true, func() { k.send(flow.Activity{}) })
	o.langs = newLanguageGrid(k, func(lang string) {
		o.choosing = false
		k.send(flow.SetLang{Lang: lang})
		k.idle.render(k)
	})
	panel := func(objs ...fyne.CanvasObject) fyne.CanvasObject {
		bg := canvas.NewRectangle(pal.panel)
		bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = pal.primary, 4, 16
		// Wrapping texts have no width of their own: the panel gives them most of the screen's.
		width := canvas.NewRectangle(color.Transparent)
		width.SetMinSize(fyne.NewSize(720*k.scale, 1))
		return container.NewCenter(container.NewStack(bg, container.NewPadded(container.NewPadded(
			container.NewVBox(append([]fyne.CanvasObject{width}, objs...)...)))))
	}
	o.question = panel(o.heading, o.body, gap(), container.NewCenter(o.cont))
	o.langBox = panel(o.langs.content)
	shade := canvas.NewRectangle(pal.shade)
	o.content = container.NewStack(shade, newTapArea(func() {}), o.question)
	o.content.Hide()
	return o
}

func (o *idleOverlay) showLanguages(k *kiosk) {
	o.choosing = true
	o.render(k)
}

func (o *idleOverlay) render(k *kiosk) {
	f := k.flow
	switch {
	case f.State() == flow.Idle:
		o.choosing = false
		m := k.msgs
		setText(o.heading, m.T("ui.idle.heading"), 0)
		body := "ui.idle.body"
		if k.counter() {
			body = "counter.idle.body" // the clerk is signed out too
		}
		setText(o.body, m.T(body, int(math.Ceil(f.IdleLeft().Seconds()))), 0)
		o.cont.set(m.T("ui.idle.continue"), true)
		o.content.Objects[2] = o.question
		o.content.Show()
	case o.choosing && f.State().Step() > 0:
		o.langs.render(k)
		o.content.Objects[2] = o.langBox
		o.content.Show()
	default:
		o.choosing = false
		o.content.Hide()
	}
	o.content.Refresh()
}
