package app

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
)

// attractScreen says what the booth is for, in the booth's language, and offers every language
// as a button in its own script.
type attractScreen struct {
	heading, lead, time, need, choose *widget.Label
	langs                             *languageGrid
	box                               fyne.CanvasObject
}

func newAttractScreen(k *kiosk) *attractScreen {
	s := &attractScreen{
		heading: newText(sizeHeading, fyne.TextAlignCenter), lead: newText(sizeBody, fyne.TextAlignCenter),
		time: newText(sizeBody, fyne.TextAlignCenter), need: newText(sizeBody, fyne.TextAlignCenter),
		choose: newText(sizeBody, fyne.TextAlignCenter),
	}
	s.langs = newLanguageGrid(k, func(lang string) { k.send(flow.SetLang{Lang: lang}) })
	s.box = container.NewVScroll(container.NewCenter(container.NewVBox(s.heading, s.lead, s.time, s.need, gap(), s.choose, s.langs.content)))
	return s
}

func (s *attractScreen) content() fyne.CanvasObject { return s.box }

func (s *attractScreen) render(k *kiosk) {
	m := k.msgs
	setText(s.heading, m.T("ui.attract.heading"), 0)
	setText(s.lead, m.T("ui.attract.lead"), 0)
	setText(s.time, m.T("ui.attract.time"), 0)
	setText(s.need, m.T("ui.attract.need"), 0)
	setText(s.choose, m.T("ui.attract.choose_language"), 0)
	s.langs.render(k)
}

// languageGrid is a button per offered language, each named in its own language and script
// (each button's label has its language's font).
type languageGrid struct {
	content *fyne.Container
	buttons map[string]*tapButton
	langs   []string
}

func newLanguageGrid(k *kiosk, choose func(lang string)) *languageGrid {
	g := &languageGrid{buttons: map[string]*tapButton{}}
	g.langs = k.opt.Settings.Languages
	g.content = container.NewGridWithColumns(g.columns(false))
	for _, l := range g.langs {
		b := newTapButton(assets.Messages(l).T("ui.lang_name"), false, func() { choose(l) })
		b.MinWidth = 300
		b.Picture = func(px int, on bool) image.Image { return languageName(l, px, on) }
		g.buttons[l] = b
		g.content.Add(b)
	}
	return g
}

// columns: four in a landscape screen, three in a portrait one (fewer when fewer languages).
func (g *languageGrid) columns(portrait bool) int {
	cols := 4
	if portrait {
		cols = 3
	}
	return max(1, min(cols, len(g.langs)))
}

func (g *languageGrid) orient(portrait bool) {
	g.content.Layout = layout.NewGridLayoutWithColumns(g.columns(portrait))
	g.content.Refresh()
}

func (g *languageGrid) render(k *kiosk) {
	for l, b := range g.buttons {
		sel := l == k.lang
		if b.Selected != sel {
			b.Selected = sel
			b.Refresh()
		}
	}
}
