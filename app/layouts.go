package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// splitLayout puts its first object (a camera preview, a photo) beside the second in a
// landscape space and above it in a portrait one; ratio is the first's share.
type splitLayout struct{ ratio float32 }

func (l splitLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	if len(objs) < 2 {
		return
	}
	g := theme.Size(sizeGap)
	if s.Width >= s.Height {
		w := (s.Width - g) * l.ratio
		objs[0].Move(fyne.NewPos(0, 0))
		objs[0].Resize(fyne.NewSize(w, s.Height))
		objs[1].Move(fyne.NewPos(w+g, 0))
		objs[1].Resize(fyne.NewSize(s.Width-w-g, s.Height))
		return
	}
	h := (s.Height - g) * l.ratio
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(s.Width, h))
	objs[1].Move(fyne.NewPos(0, h+g))
	objs[1].Resize(fyne.NewSize(s.Width, s.Height-h-g))
}

func (l splitLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w, h = max(w, m.Width), max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}
