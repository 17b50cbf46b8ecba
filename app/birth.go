package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
)

// birthScreen takes the date of birth on a keypad, in the Western calendar or a Japanese era,
// and shows the date it understood in both, so a slip of a finger is seen at once.
type birthScreen struct {
	heading, slots, example, result *widget.Label
	calendars                       map[booth.Era]*tapButton
	pad                             *keypad
	box                             fyne.CanvasObject
}

func newBirthScreen(k *kiosk) *birthScreen {
	s := &birthScreen{calendars: map[booth.Era]*tapButton{}}
	s.heading = newText(sizeHeading, fyne.TextAlignLeading)
	s.slots = newText(sizeLarge, fyne.TextAlignLeading)
	s.example, s.result = newText(sizeSmall, fyne.TextAlignLeading), newText(sizeBody, fyne.TextAlignLeading)
	row := container.NewGridWithColumns(len(booth.Eras) + 1)
	for _, e := range append([]booth.Era{""}, booth.Eras...) {
		b := newTapButton("", false, func() { k.send(flow.SetCalendar{Era: e}) })
		b.MinWidth = 150
		s.calendars[e] = b
		row.Add(b)
	}
	s.pad = newKeypad(func(d byte) { k.send(flow.Digit{D: d}) }, func() { k.send(flow.Backspace{}) })
	left := container.NewVBox(s.heading, row, gap(), s.slots, s.example, s.result)
	s.box = container.New(splitLayout{ratio: 0.58}, container.NewVScroll(left), container.NewCenter(s.pad.content))
	return s
}

func (s *birthScreen) content() fyne.CanvasObject { return s.box }

func (s *birthScreen) wipe() {
	setText(s.slots, "", 0)
	setText(s.result, "", 0)
}

func (s *birthScreen) render(k *kiosk) {
	m, f := k.msgs, k.flow
	b := f.Session().Birth
	setText(s.heading, m.T("ui.birth.heading"), 0)
	for e, btn := range s.calendars {
		label := m.T("ui.birth.western")
		if e != "" {
			label = m.T("ui.era." + string(e))
		}
		btn.Selected = e == b.Era
		btn.set(label, true)
		btn.Refresh()
	}
	s.pad.del.set(m.T("ui.keypad.delete"), true)
	y, mo, d := b.Parts()
	ylen := 4
	if b.Era != "" {
		ylen = 2
	}
	slots := func(got string, n int) string {
		var out []string
		for i := 0; i < n; i++ {
			if i < len(got) {
				out = append(out, got[i:i+1])
			} else {
				out = append(out, "_")
			}
		}
		return strings.Join(out, " ")
	}
	prefix := ""
	if b.Era != "" {
		prefix = m.T("ui.era."+string(b.Era)) + " "
	}
	setText(s.slots, prefix+slots(y, ylen)+" "+m.T("ui.birth.year")+"  "+slots(mo, 2)+" "+m.T("ui.birth.month")+"  "+
		slots(d, 2)+" "+m.T("ui.birth.day"), 0)
	// The example, then the keys it takes (no arrow between them: most fonts lack one).
	if b.Era != "" {
		setText(s.example, m.T("ui.birth.example.era")+"\n"+"6 0 0 6 0 5", 0)
	} else {
		setText(s.example, m.T("ui.birth.example.western")+"\n"+"1 9 8 5 0 6 0 5", 0)
	}
	switch err := f.InputErr(); {
	case err != nil && !b.Complete():
		setText(s.result, "✗ "+m.T("ui.birth.incomplete"), widget.DangerImportance)
	case err != nil:
		setText(s.result, "✗ "+m.Error(err), widget.DangerImportance)
	case b.Complete():
		date, _ := b.Date(k.now())
		setText(s.result, "✓ "+m.T("ui.birth.entered", formatDate(m, date)), widget.SuccessImportance)
	default:
		setText(s.result, "", 0)
	}
}

// formatDate writes a date of birth in m's language, followed by its Japanese era date.
func formatDate(m *assets.Catalog, d booth.Date) string {
	months := strings.Split(m.T("slip.months"), ",")
	name := ""
	if int(d.Month) <= len(months) {
		name = months[d.Month-1]
	}
	s := m.T("ui.date", d.Year, int(d.Month), d.Day, name)
	if e, y, ok := booth.EraOf(d); ok {
		era := m.T("ui.date.era", m.T("ui.era."+string(e)), y)
		if l := m.Lang(); l == "ja" || strings.HasPrefix(l, "zh") {
			return s + "（" + era + "）"
		}
		return s + " (" + era + ")"
	}
	return s
}
