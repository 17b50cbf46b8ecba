package app

import (
	"image"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/capture/photo"
)

// liveScreen is the mirror preview with the face guide and one live hint at a time; the 3-2-1
// countdown and "checking" are drawn over the preview, which never freezes.
type liveScreen struct {
	preview  *canvas.Image
	count    *canvas.Text
	overlay  *fyne.Container
	heading  *widget.Label
	hint     *widget.Label
	hintCode photo.HintCode
	box      fyne.CanvasObject
	dim      *canvas.Rectangle
}

func newLiveScreen(*kiosk) *liveScreen {
	s := &liveScreen{preview: newPreview()}
	s.count = canvas.NewText("", pal.primary)
	s.count.Alignment = fyne.TextAlignCenter
	s.dim = canvas.NewRectangle(pal.overlay)
	s.overlay = container.NewStack(s.preview, s.dim, container.NewCenter(s.count))
	s.heading, s.hint = newText(sizeBody, fyne.TextAlignLeading), newText(sizeHint, fyne.TextAlignLeading)
	s.box = container.New(splitLayout{ratio: 0.6}, s.overlay, container.NewVScroll(container.NewVBox(s.heading, gap(), s.hint)))
	return s
}

func (s *liveScreen) content() fyne.CanvasObject { return s.box }

func (s *liveScreen) render(k *kiosk) {
	m, f := k.msgs, k.flow
	setText(s.heading, m.T("ui.live.heading"), 0)
	s.count.TextSize, s.count.Color, s.dim.FillColor = k.size(sizeHuge), pal.primary, pal.overlay
	s.dim.Hide()
	s.count.Text = ""
	switch {
	case f.CameraDown():
		setText(s.hint, "✗ "+m.T("ui.camera.unavailable"), widget.DangerImportance)
	case f.State() == flow.Checking:
		s.dim.Show()
		s.count.TextSize = k.size(sizeHeading)
		s.count.Text = m.T("ui.live.checking")
		setText(s.hint, m.T("ui.live.checking"), 0)
	case f.State() == flow.Countdown:
		s.count.Text = strconv.Itoa(f.Countdown())
		setText(s.hint, m.T("ui.live.hold"), 0)
	case s.hintCode == photo.HintReady:
		setText(s.hint, "✓ "+m.T(photo.Hint{Code: s.hintCode}.MessageKey()), widget.SuccessImportance)
	case s.hintCode != "":
		setText(s.hint, m.T(photo.Hint{Code: s.hintCode}.MessageKey()), 0)
	default:
		setText(s.hint, m.T("photo.hint.no_face"), 0)
	}
	s.count.Refresh()
	s.dim.Refresh()
}

func (s *liveScreen) wipe() {
	s.hintCode = ""
	blankImage(s.preview)
}

// showHint takes the live hint of the latest preview frame.
func (k *kiosk) showHint(h photo.Hint) {
	st := k.flow.State()
	if st != flow.Live && st != flow.Countdown {
		return
	}
	if h.Code != photo.HintNoFace {
		k.send(flow.Activity{}) // someone stands in front of the camera: not idle
	}
	if st == flow.Live {
		k.speaker.Hint(k.lang, k.msgs.T(h.MessageKey()))
	}
	live := k.screens[flow.Live].(*liveScreen)
	if live.hintCode != h.Code {
		live.hintCode = h.Code
		live.render(k)
		k.chrome.render(k, k.shown)
	}
}

// showPreview puts the latest preview frame on the screen that shows the camera.
func (k *kiosk) showPreview(img *image.RGBA) {
	var p *canvas.Image
	switch k.shown {
	case flow.Scan:
		p = k.screens[flow.Scan].(*scanScreen).preview
	case flow.Live, flow.Countdown, flow.Checking:
		p = k.screens[flow.Live].(*liveScreen).preview
	case flow.Operator:
		p = k.screens[flow.Operator].(*operatorScreen).preview
	default:
		return
	}
	p.Image = img
	p.Refresh()
}
