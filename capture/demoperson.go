package capture

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/assets"
)

// demoPerson is the demo camera's photo step: a portrait cut out of its background, standing in
// front of a booth's plain backdrop. It walks in a little off-centre and too far away, steps
// into place within a few seconds, then breathes and sways slightly, as people do, so the live
// hints have something to say before "hold still".
type demoPerson struct {
	w, h     int
	sprite   gocv.Mat // BGR portrait
	alpha    gocv.Mat // 8-bit: 255 where the person is, soft at the edges
	backdrop gocv.Mat // BGR, frame size
	// per-frame buffers
	warped, warpedAlpha, alpha3, inv, fg, bg gocv.Mat
}

// The portrait (assets.DemoPortrait, 512×512) and where its person is, for the cut-out: a rough
// outline that is probably the person, and parts that surely are (face, collar, torso). The
// coordinates belong to this one picture.
var (
	demoOutline = []image.Point{{190, 10}, {265, 10}, {295, 40}, {305, 110}, {285, 175}, {330, 205}, {380, 260}, {375, 512}, {15, 512}, {40, 260}, {118, 200}, {124, 160}, {155, 135}, {150, 80}, {162, 40}}
	demoSure    = []image.Rectangle{image.Rect(185, 40, 270, 170), image.Rect(150, 200, 285, 280), image.Rect(90, 300, 330, 440)}
	// demoCrownY and demoChinY bound the head in the portrait, to scale it in the frame.
	demoCrownY, demoChinY = 15.0, 185.0
	demoFaceX             = 228.0
)

// demoBackdrop is the booth's plain, light curtain (BGR).
var demoBackdrop = color.RGBA{B: 236, G: 228, R: 220, A: 255}

func newDemoPerson(w, h int) (*demoPerson, error) {
	img, err := gocv.IMDecode(assets.DemoPortrait, gocv.IMReadColor)
	if err != nil || img.Empty() {
		img.Close()
		return nil, fmt.Errorf("capture: demo portrait: %v", err)
	}
	p := &demoPerson{w: w, h: h, sprite: img}
	if err := p.cutOut(); err != nil {
		p.close()
		return nil, err
	}
	p.backdrop = gocv.NewMatWithSize(h, w, gocv.MatTypeCV8UC3)
	// A curtain lit from above: a touch lighter at the top.
	for y := 0; y < h; y++ {
		k := 1.0 + 0.04*(0.5-float64(y)/float64(h))
		c := color.RGBA{R: uint8(float64(demoBackdrop.R) * k), G: uint8(float64(demoBackdrop.G) * k), B: uint8(min(255, float64(demoBackdrop.B)*k)), A: 255}
		gocv.Line(&p.backdrop, image.Pt(0, y), image.Pt(w-1, y), c, 1)
	}
	for _, m := range []*gocv.Mat{&p.warped, &p.warpedAlpha, &p.alpha3, &p.inv, &p.fg, &p.bg} {
		*m = gocv.NewMat()
	}
	return p, nil
}

// cutOutScale is the size GrabCut works at: half the portrait's, which keeps its graph (and
// what OpenCV's allocator holds on to afterwards) four times smaller; the mask is scaled back up
// and softened.
const cutOutScale = 2

// cutOut separates the person from the portrait's background (a flag and a model shuttle) with
// GrabCut seeded by the outline, and softens the edge.
func (p *demoPerson) cutOut() error {
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(p.sprite, &small, image.Pt(p.sprite.Cols()/cutOutScale, p.sprite.Rows()/cutOutScale), 0, 0, gocv.InterpolationArea)
	mask := gocv.NewMatWithSize(small.Rows(), small.Cols(), gocv.MatTypeCV8U) // 0: background
	defer mask.Close()
	label := func(v uint8) color.RGBA { return color.RGBA{B: v} } // one channel: gocv takes B first
	var pts []image.Point
	for _, pt := range demoOutline {
		pts = append(pts, pt.Div(cutOutScale))
	}
	outline := gocv.NewPointsVectorFromPoints([][]image.Point{pts})
	defer outline.Close()
	// OpenCV's GrabCut labels: 0 background, 1 foreground, 2 probably background, 3 probably
	// foreground.
	gocv.FillPoly(&mask, outline, label(3))
	for _, r := range demoSure {
		gocv.Rectangle(&mask, image.Rectangle{r.Min.Div(cutOutScale), r.Max.Div(cutOutScale)}, label(1), -1)
	}
	bgd, fgd := gocv.NewMat(), gocv.NewMat()
	defer bgd.Close()
	defer fgd.Close()
	gocv.GrabCut(small, &mask, image.Rectangle{}, &bgd, &fgd, 5, gocv.GCInitWithMask)
	// Foreground is GC_FGD (1) or GC_PR_FGD (3): the lowest bit.
	one := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(1, 0, 0, 0), mask.Rows(), mask.Cols(), gocv.MatTypeCV8U)
	defer one.Close()
	gocv.BitwiseAnd(mask, one, &mask)
	mask.ConvertToWithParams(&mask, gocv.MatTypeCV8U, 255, 0)
	p.alpha = gocv.NewMat()
	gocv.Resize(mask, &p.alpha, image.Pt(p.sprite.Cols(), p.sprite.Rows()), 0, 0, gocv.InterpolationLinear)
	gocv.GaussianBlur(p.alpha, &p.alpha, image.Pt(5, 5), 0, 0, gocv.BorderReplicate)
	return nil
}

// pose is where the person stands t into the photo step: scale (1 = the head fills about 45%
// of the frame's height) and offset of the face from the frame's centre, in frame heights.
func demoPose(t time.Duration) (scale, dx, dy float64) {
	s := t.Seconds()
	walk := math.Min(1, s/3) // 0 → 1 over three seconds: coming closer, into the middle
	ease := walk * walk * (3 - 2*walk)
	scale = 0.62 + 0.38*ease + 0.008*math.Sin(s*0.9)
	dx = 0.22*(1-ease) + 0.006*math.Sin(s*0.7)
	dy = 0.004 * math.Sin(s*1.1)
	return
}

func (p *demoPerson) render(t time.Duration, dst *gocv.Mat) error {
	scale, dx, dy := demoPose(t)
	k := scale * 0.45 * float64(p.h) / (demoChinY - demoCrownY) // frame pixels per portrait pixel
	// The face's centre goes to the frame's centre (plus the offset); the crown a little below
	// the top, as a well-framed person in a booth.
	cx := float64(p.w)/2 + dx*float64(p.h)
	crownY := 0.16*float64(p.h) + dy*float64(p.h) + (1-scale)*0.25*float64(p.h)
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer m.Close()
	m.SetDoubleAt(0, 0, k)
	m.SetDoubleAt(0, 2, cx-k*demoFaceX)
	m.SetDoubleAt(1, 1, k)
	m.SetDoubleAt(1, 2, crownY-k*demoCrownY)
	size := image.Pt(p.w, p.h)
	gocv.WarpAffineWithParams(p.sprite, &p.warped, m, size, gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	gocv.WarpAffineWithParams(p.alpha, &p.warpedAlpha, m, size, gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	// dst = person·α + backdrop·(1−α)
	gocv.Merge([]gocv.Mat{p.warpedAlpha, p.warpedAlpha, p.warpedAlpha}, &p.alpha3)
	gocv.BitwiseNot(p.alpha3, &p.inv)
	gocv.MultiplyWithParams(p.warped, p.alpha3, &p.fg, 1.0/255, -1)
	gocv.MultiplyWithParams(p.backdrop, p.inv, &p.bg, 1.0/255, -1)
	gocv.Add(p.fg, p.bg, dst)
	return nil
}

func (p *demoPerson) close() {
	for _, m := range []*gocv.Mat{&p.sprite, &p.alpha, &p.backdrop, &p.warped, &p.warpedAlpha, &p.alpha3, &p.inv, &p.fg, &p.bg} {
		if m.Ptr() != nil {
			m.Close()
			*m = gocv.Mat{}
		}
	}
}
