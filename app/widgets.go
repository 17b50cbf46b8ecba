package app

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tapButton is the kiosk's button: a large touch target (sizeButton tall) whose label shrinks
// to fit rather than being cut off in a long translation. Primary buttons are white on the
// accent colour; a selected choice is too, and its label carries a check mark so that the
// choice does not rest on colour alone.
type tapButton struct {
	widget.BaseWidget
	Text     string
	Primary  bool
	Selected bool
	Disabled bool
	OnTapped func()
	// MinWidth is the least width at a 1080p screen (scaled like the text).
	MinWidth float32
	// Fit asks for no more than MinWidth: the label shrinks to the width the layout gives (a
	// long list of choices in a column).
	Fit bool
	// Icon, when set, is drawn before the label (alone when there is no text).
	Icon fyne.Resource
	// Picture, when set, draws the label as a picture instead of text: a language's name in its
	// own script on a screen in another (see names.go). It is given the height in pixels and
	// whether the button is selected.
	Picture func(px int, on bool) image.Image
}

func newTapButton(text string, primary bool, tapped func()) *tapButton {
	b := &tapButton{Text: text, Primary: primary, OnTapped: tapped, MinWidth: 240}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped runs the action of an enabled button.
func (b *tapButton) Tapped(*fyne.PointEvent) {
	if !b.Disabled && b.OnTapped != nil {
		b.OnTapped()
	}
}

func (b *tapButton) set(text string, enabled bool) {
	if b.Text != text || b.Disabled == enabled {
		b.Text, b.Disabled = text, !enabled
		b.Refresh()
	}
}

func (b *tapButton) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(pal.secondary)
	label := canvas.NewText("", pal.onSecondary)
	label.Alignment = fyne.TextAlignCenter
	pic := canvas.NewImageFromImage(placeholder)
	pic.FillMode = canvas.ImageFillContain
	icon := canvas.NewImageFromResource(nil)
	icon.FillMode = canvas.ImageFillContain
	r := &tapButtonRenderer{b: b, bg: bg, label: label, pic: pic, icon: icon}
	r.Refresh()
	return r
}

type tapButtonRenderer struct {
	b     *tapButton
	bg    *canvas.Rectangle
	label *canvas.Text
	pic   *canvas.Image
	icon  *canvas.Image
	size  float32 // the label's size before shrinking
}

func (r *tapButtonRenderer) text() string {
	if r.b.Selected {
		return "✓ " + r.b.Text
	}
	return r.b.Text
}

func (r *tapButtonRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	pad := theme.Size(theme.SizeNameInnerPadding)
	left := float32(0) // room taken by the icon
	if r.b.Icon != nil {
		is := r.size * 1.2
		x := pad
		if r.label.Text == "" {
			x = (s.Width - is) / 2
		}
		r.icon.Resize(fyne.NewSize(is, is))
		r.icon.Move(fyne.NewPos(x, (s.Height-is)/2))
		left = is + pad/2
	}
	// Shrink the label until it fits, down to half its size.
	r.label.TextSize = r.size
	ls := r.label.MinSize()
	for r.label.TextSize > r.size/2 && ls.Width > s.Width-2*pad-left {
		r.label.TextSize *= 0.92
		ls = r.label.MinSize()
	}
	r.label.Resize(fyne.NewSize(s.Width-2*pad-left, ls.Height))
	r.label.Move(fyne.NewPos(pad+left, (s.Height-ls.Height)/2))
	r.pic.Resize(fyne.NewSize(s.Width-2*pad, r.size*1.4))
	r.pic.Move(fyne.NewPos(pad, (s.Height-r.size*1.4)/2))
}

func (r *tapButtonRenderer) MinSize() fyne.Size {
	h := theme.Size(sizeButton)
	scale := h / sizes1080[sizeButton]
	ts := r.label.TextSize
	r.label.TextSize = r.size
	w := r.label.MinSize().Width + 2*theme.Size(theme.SizeNameInnerPadding)
	if r.b.Icon != nil {
		w += r.size * 1.5
	}
	r.label.TextSize = ts
	if r.b.Fit {
		return fyne.NewSize(r.b.MinWidth*scale, h)
	}
	return fyne.NewSize(max(r.b.MinWidth*scale, min(w, 900*scale)), h)
}

func (r *tapButtonRenderer) Refresh() {
	b := r.b
	r.size = theme.Size(sizeBody)
	r.label.Text = r.text()
	if b.Picture != nil {
		scale := float32(1)
		if c := fyne.CurrentApp().Driver().CanvasForObject(b); c != nil {
			scale = c.Scale()
		}
		r.label.Text = ""
		if b.Selected {
			r.label.Text = "✓"
			r.label.Alignment = fyne.TextAlignLeading
		}
		r.pic.Image = b.Picture(int(r.size*1.4*scale), b.Primary || b.Selected)
		r.pic.Show()
	} else {
		r.label.Alignment = fyne.TextAlignCenter
		r.pic.Hide()
	}
	r.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	r.bg.StrokeWidth = 0
	switch {
	case b.Disabled:
		r.bg.FillColor, r.label.Color = pal.disabled, pal.onDisabled
		r.bg.StrokeColor, r.bg.StrokeWidth = pal.onDisabled, 1
	case b.Primary || b.Selected:
		r.bg.FillColor, r.label.Color = pal.primary, pal.onPrimary
	default:
		r.bg.FillColor, r.label.Color = pal.secondary, pal.onSecondary
		r.bg.StrokeColor, r.bg.StrokeWidth = pal.edge, 2
	}
	if b.Icon != nil {
		// The icon in the label's colour: Fyne's icons are drawn in a theme colour.
		name := theme.ColorNameForeground
		if b.Primary || b.Selected {
			name = theme.ColorNameForegroundOnPrimary
		}
		r.icon.Resource = theme.NewColoredResource(b.Icon, name)
		r.icon.Show()
	} else {
		r.icon.Hide()
	}
	r.Layout(b.Size())
	r.bg.Refresh()
	r.label.Refresh()
	r.pic.Refresh()
	r.icon.Refresh()
}

func (r *tapButtonRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.pic, r.icon, r.label}
}

func (r *tapButtonRenderer) Destroy() {}

// newText is a wrapping text block at one of the kiosk's sizes.
func newText(size fyne.ThemeSizeName, align fyne.TextAlign) *widget.Label {
	l := widget.NewLabel("")
	l.SizeName, l.Alignment, l.Wrapping = size, align, fyne.TextWrapWord
	return l
}

// setText changes a label's text and importance (colour), redrawing only when they change.
func setText(l *widget.Label, text string, imp widget.Importance) {
	if l.Text != text || l.Importance != imp {
		l.Text, l.Importance = text, imp
		l.Refresh()
	}
}

// gap is empty space between touch targets, scaled.
func gap() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	s := theme.Size(sizeGap)
	r.SetMinSize(fyne.NewSize(s, s))
	return r
}

// keypad is an on-screen number pad: digits, and delete.
type keypad struct {
	content fyne.CanvasObject
	keys    map[byte]*tapButton
	del     *tapButton
}

func newKeypad(digit func(byte), del func()) *keypad {
	k := &keypad{keys: map[byte]*tapButton{}}
	var keys []fyne.CanvasObject
	for _, d := range "1234567890" {
		k.keys[byte(d)] = keypadKey(byte(d), digit)
	}
	for _, d := range "123456789" {
		keys = append(keys, k.keys[byte(d)])
	}
	k.del = newTapButton("", false, del)
	k.del.MinWidth = 150
	keys = append(keys, k.del, k.keys['0'], layout.NewSpacer())
	k.content = container.NewGridWithColumns(3, keys...)
	return k
}

func keypadKey(d byte, digit func(byte)) *tapButton {
	b := newTapButton(string(d), false, func() { digit(d) })
	b.MinWidth = 150
	return b
}

// stepBar shows where the resident is: ① 申請書 ② 生年月日 … with the current step
// highlighted by a filled pill (not by colour alone).
type stepBar struct {
	content *fyne.Container
	pills   []*canvas.Rectangle
	labels  []*canvas.Text
}

func newStepBar(n int) *stepBar {
	s := &stepBar{content: container.NewHBox()}
	for i := 0; i < n; i++ {
		bg := canvas.NewRectangle(color.Transparent)
		t := canvas.NewText("", pal.muted)
		s.pills, s.labels = append(s.pills, bg), append(s.labels, t)
		s.content.Add(container.NewStack(bg, container.NewPadded(t)))
	}
	return s
}

var circled = []string{"①", "②", "③", "④", "⑤", "⑥"}

// set shows the steps' names and marks current (1-based; 0: none).
func (s *stepBar) set(names []string, current int) {
	for i, t := range s.labels {
		// The kiosk has five steps, the counter six: the pills beyond the names are hidden.
		if i >= len(names) {
			s.content.Objects[i].Hide()
			continue
		}
		s.content.Objects[i].Show()
		t.Text = circled[i] + " " + names[i]
		t.TextSize = theme.Size(sizeSmall)
		s.pills[i].CornerRadius = theme.Size(sizeSmall)
		if i+1 == current {
			t.Color = pal.onPrimary
			s.pills[i].FillColor = pal.primary
		} else {
			t.Color = pal.muted
			s.pills[i].FillColor = color.Transparent
		}
		t.Refresh()
		s.pills[i].Refresh()
	}
	s.content.Refresh() // the pills' widths follow their new texts
}

// tapArea is an invisible area that counts taps: the hidden gesture for operator mode.
type tapArea struct {
	widget.BaseWidget
	onTap func()
}

func newTapArea(onTap func()) *tapArea {
	a := &tapArea{onTap: onTap}
	a.ExtendBaseWidget(a)
	return a
}

func (a *tapArea) Tapped(*fyne.PointEvent) { a.onTap() }

func (a *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}
