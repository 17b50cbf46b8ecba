package qr

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/internal/formgen"
)

// The hard set: frames the project generates of the kinds of form QR codes that the plain
// passes miss on booth cameras — small codes (2.8–3.8 px per module) with slight defocus, low
// light, sensor noise and tilt; heavy defocus; motion blur; glare; a thumb over part of the code.
// The effects formgen does not model (a disk-shaped defocus, motion blur, glare, low light, a
// thumb) are applied here, before the noise and the JPEG a camera adds last.

// hardPayloads are made-up IDs in the payload shapes forms carry, with the error-correction
// level each is rendered at (the level changes the code's size: 21×21 up to 49×49 here).
var hardPayloads = []struct{ payload, id, ec string }{
	{"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?applicationId=31415926535897932384626", "31415926535897932384626", "L"},
	{"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?shinseiId=27182818284590452353602", "27182818284590452353602", "M"},
	{"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?applicationId=16180339887498948482045", "16180339887498948482045", "Q"},
	{"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?id=14142135623730950488016", "14142135623730950488016", "M"},
	{"5772 1566 4901 5328 6060 651", "57721566490153286060651", "Q"},
	{"66743-01528-57100-48372-914", "66743015285710048372914", "M"},
	{"83462684167595163220812", "83462684167595163220812", "Q"},
}

// A hardKind is one family of hard frames and the ranges its parameters are drawn from.
type hardKind struct {
	name             string
	modulePx         [2]float64 // frame pixels per module
	disk             [2]float64 // defocus: radius of a disk kernel, px (0: none)
	gauss            [2]float64 // slight defocus: Gaussian sigma, px
	motion           [2]float64 // motion blur length, px
	glare            [2]float64 // peak glare on the code, 0..1 of the way to white
	light            [2]float64 // gain on the scene's light (1: normal, 0.35: dim)
	noise            [2]float64 // sensor noise sigma, grey levels (after the light gain)
	tilt             float64    // largest tilt about either axis, degrees
	thumb            bool       // a thumb over one side of the code
	urlOnly          bool       // only the URL payloads (larger codes)
	quality          [2]float64 // JPEG quality
	perKind, seedOff int
}

var hardKinds = []hardKind{
	{name: "small", modulePx: [2]float64{2.4, 3.5}, disk: [2]float64{1.0, 1.6}, gauss: [2]float64{0.3, 0.6}, light: [2]float64{0.25, 0.6},
		noise: [2]float64{6, 14}, tilt: 22, urlOnly: true, quality: [2]float64{55, 80}},
	{name: "defocus", modulePx: [2]float64{4.3, 4.8}, disk: [2]float64{3.3, 4.2}, light: [2]float64{0.7, 1}, noise: [2]float64{2, 5},
		tilt: 15, quality: [2]float64{65, 90}},
	{name: "motion", modulePx: [2]float64{4.2, 5}, motion: [2]float64{5, 8}, glare: [2]float64{0.5, 0.95}, light: [2]float64{0.8, 1},
		noise: [2]float64{2, 5}, tilt: 15, quality: [2]float64{62, 85}},
	{name: "thumb", modulePx: [2]float64{4.2, 5}, gauss: [2]float64{0, 0.6}, light: [2]float64{0.8, 1}, noise: [2]float64{2, 4},
		tilt: 15, thumb: true, urlOnly: true, quality: [2]float64{65, 85}},
}

// A hardCase is one frame of the hard set, kept as BGR bytes (the cache holds no Mats).
type hardCase struct {
	name, payload, id string
	w, h              int
	bgr               []byte
}

// frame returns the case's frame as a BGR Mat; the caller closes it.
func (c hardCase) frame(tb testing.TB) gocv.Mat {
	tb.Helper()
	m, err := gocv.NewMatFromBytes(c.h, c.w, gocv.MatTypeCV8UC3, c.bgr)
	if err != nil {
		tb.Fatal(err)
	}
	defer m.Close()
	return m.Clone()
}

var (
	hardOnce sync.Once
	hardSet  []hardCase
)

// hardFrames is the hard set the tests use: 16 frames of each kind, rendered once.
func hardFrames(tb testing.TB) []hardCase {
	hardOnce.Do(func() { hardSet = hardCases(tb, 16, 0) })
	if len(hardSet) == 0 {
		tb.Fatal("hard set not rendered")
	}
	return hardSet
}

// hardCases renders n frames of each kind (the same frames every run; another set for another
// base).
func hardCases(tb testing.TB, n int, base uint64) []hardCase {
	tb.Helper()
	type staged struct {
		page  *formgen.Page
		scene *formgen.Scene
	}
	scenes := map[int]staged{} // one backdrop per payload: drawing one takes longer than a frame
	defer func() {
		for _, sc := range scenes {
			sc.scene.Close()
		}
	}()
	var out []hardCase
	for ki, k := range hardKinds {
		for i := 0; i < n; i++ {
			rng := rand.New(rand.NewPCG(uint64(ki+1)+base<<8, uint64(i)))
			u := func(r [2]float64) float64 { return r[0] + (r[1]-r[0])*rng.Float64() }
			pi := rng.IntN(len(hardPayloads))
			if k.urlOnly {
				pi = rng.IntN(4)
			}
			p := hardPayloads[pi]
			sc, ok := scenes[pi]
			if !ok {
				page, err := formgen.Form(p.payload, formgen.FormOptions{ECLevel: p.ec, ModulePx: 6})
				if err != nil {
					tb.Fatal(err)
				}
				scene, err := formgen.NewScene(page, 1280, 720, uint64(pi)+base)
				if err != nil {
					tb.Fatal(err)
				}
				sc = staged{page, scene}
				scenes[pi] = sc
			}
			page := sc.page
			ax, ay := page.QRCenter()
			o := formgen.FrameOptions{
				AnchorX: ax, AnchorY: ay,
				CenterX: 0.2 + 0.6*rng.Float64(), CenterY: 0.25 + 0.5*rng.Float64(),
				Scale:    u(k.modulePx) / 6,
				Rotation: 360 * rng.Float64(),
				TiltX:    k.tilt * (2*rng.Float64() - 1), TiltY: k.tilt * (2*rng.Float64() - 1),
				Blur: u(k.gauss), Seed: uint64(1000*ki+i) + base,
			}
			m := gocv.NewMat()
			if err := sc.scene.Render(o, &m); err != nil {
				m.Close()
				tb.Fatal(err)
			}
			side := float64(page.QR.Dx()) * o.Scale
			cx, cy := o.CenterX*float64(m.Cols()), o.CenterY*float64(m.Rows())
			fx := effects{
				disk: u(k.disk), motion: u(k.motion), motionAngle: math.Pi * rng.Float64(),
				glare: u(k.glare), light: u(k.light), noise: u(k.noise), quality: int(u(k.quality)),
				cx: cx, cy: cy, side: side, thumb: k.thumb, thumbAngle: 2 * math.Pi * rng.Float64(), seed: uint64(7000*ki+i) + base,
			}
			err := fx.apply(&m)
			b, err2 := m.DataPtrUint8()
			c := hardCase{name: fmt.Sprintf("%s%02d(%.1fpx %s)", k.name, i, o.Scale*6, fx), payload: p.payload, id: p.id,
				w: m.Cols(), h: m.Rows(), bgr: append([]byte(nil), b...)}
			m.Close()
			if err != nil || err2 != nil {
				tb.Fatal(err, err2)
			}
			out = append(out, c)
		}
	}
	return out
}

// effects are what a booth camera does to a frame beyond formgen's geometry and Gaussian blur.
type effects struct {
	disk, motion, motionAngle float64
	glare, light, noise       float64
	quality                   int
	cx, cy, side              float64 // the code's centre and side in the frame
	thumb                     bool
	thumbAngle                float64
	seed                      uint64
}

func (e effects) String() string {
	s := ""
	if e.disk > 0 {
		s += fmt.Sprintf("disk%.1f ", e.disk)
	}
	if e.motion > 0 {
		s += fmt.Sprintf("motion%.1f ", e.motion)
	}
	if e.glare > 0 {
		s += fmt.Sprintf("glare%.2f ", e.glare)
	}
	if e.thumb {
		s += "thumb "
	}
	return s + fmt.Sprintf("light%.2f noise%.0f q%d", e.light, e.noise, e.quality)
}

func (e effects) apply(m *gocv.Mat) error {
	if e.disk > 0 {
		r := int(math.Ceil(e.disk))
		k := gocv.NewMatWithSize(2*r+1, 2*r+1, gocv.MatTypeCV32F)
		sum := 0.0
		for y := -r; y <= r; y++ {
			for x := -r; x <= r; x++ {
				// coverage of the pixel by the disk, approximated on a 4×4 sub-grid
				c := 0.0
				for sy := 0; sy < 4; sy++ {
					for sx := 0; sx < 4; sx++ {
						px, py := float64(x)+(float64(sx)+0.5)/4-0.5, float64(y)+(float64(sy)+0.5)/4-0.5
						if px*px+py*py <= e.disk*e.disk {
							c += 1.0 / 16
						}
					}
				}
				k.SetFloatAt(y+r, x+r, float32(c))
				sum += c
			}
		}
		filterNorm(m, k, sum)
	}
	if e.motion > 0 {
		r := int(math.Ceil(e.motion/2)) + 1
		k := gocv.NewMatWithSize(2*r+1, 2*r+1, gocv.MatTypeCV32F)
		sum := 0.0
		dx, dy := math.Cos(e.motionAngle), math.Sin(e.motionAngle)
		for s := -0.5; s <= 0.5; s += 1.0 / 64 {
			x, y := float64(r)+s*e.motion*dx, float64(r)+s*e.motion*dy
			xi, yi := int(math.Round(x)), int(math.Round(y))
			k.SetFloatAt(yi, xi, k.GetFloatAt(yi, xi)+1)
			sum++
		}
		filterNorm(m, k, sum)
	}
	pix, err := m.DataPtrUint8()
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(e.seed, 0x9e37))
	w, h := m.Cols(), m.Rows()
	tex, tw := noiseTexture(w, h)
	ox, oy := rng.IntN(noiseSlack), rng.IntN(noiseSlack)
	gx, gy := e.cx+(rng.Float64()-0.5)*e.side*0.5, e.cy+(rng.Float64()-0.5)*e.side*0.5
	gs := e.side * (0.2 + 0.15*rng.Float64())
	// the thumb: an ellipse whose tip reaches about a third into the code from one side
	tx, ty := e.cx+math.Cos(e.thumbAngle)*e.side*0.95, e.cy+math.Sin(e.thumbAngle)*e.side*0.95
	ta, tb := e.side*0.8, e.side*0.25
	skin := [3]float64{120, 150, 205} // BGR
	cs, sn := math.Cos(e.thumbAngle), math.Sin(e.thumbAngle)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := (y*w + x) * 3
			tin := false
			var shade float64
			if dx, dy := float64(x)-tx, float64(y)-ty; e.thumb && math.Abs(dx) <= ta && math.Abs(dy) <= ta {
				// rotate so the thumb's long axis points at the code's centre
				u, v := dx*cs+dy*sn, -dx*sn+dy*cs
				if d := (u*u)/(ta*ta) + (v*v)/(tb*tb); d <= 1 {
					tin, shade = true, 1-0.35*d
				}
			}
			for c := 0; c < 3; c++ {
				v := float64(pix[i+c])
				if tin {
					v = skin[c] * shade
				}
				if e.glare > 0 {
					d2 := ((float64(x)-gx)*(float64(x)-gx) + (float64(y)-gy)*(float64(y)-gy)) / (2 * gs * gs)
					if d2 < 9 {
						v += e.glare * (255 - v) * math.Exp(-d2)
					}
				}
				v = v*e.light + float64(tex[((y+oy)*tw+x+ox)*3+c])*e.noise
				pix[i+c] = byte(math.Max(0, math.Min(255, math.Round(v))))
			}
		}
	}
	if e.quality > 0 {
		buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, *m, []int{gocv.IMWriteJpegQuality, e.quality})
		if err != nil {
			return err
		}
		dec, err := gocv.IMDecode(buf.GetBytes(), gocv.IMReadColor)
		buf.Close()
		if err != nil {
			return err
		}
		dec.CopyTo(m)
		dec.Close()
	}
	return nil
}

// noiseSlack is how far a frame's noise may be shifted in the shared texture.
const noiseSlack = 97

var (
	noiseMu  sync.Mutex
	noiseTex = map[[2]int][]float32{}
)

// noiseTexture returns unit Gaussian noise for frames of w×h (and noiseSlack more each way,
// for a shift per frame), made once: drawing it for every frame would take most of the time
// the set takes to render.
func noiseTexture(w, h int) ([]float32, int) {
	noiseMu.Lock()
	defer noiseMu.Unlock()
	tw, th := w+noiseSlack, h+noiseSlack
	t, ok := noiseTex[[2]int{w, h}]
	if !ok {
		rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
		t = make([]float32, tw*th*3)
		for i := range t {
			t[i] = float32(rng.NormFloat64())
		}
		noiseTex[[2]int{w, h}] = t
	}
	return t, tw
}

// filterNorm convolves m with the kernel k (whose weights sum to sum) and closes k.
func filterNorm(m *gocv.Mat, k gocv.Mat, sum float64) {
	k.DivideFloat(float32(sum))
	gocv.Filter2D(*m, m, -1, k, image.Pt(-1, -1), 0, gocv.BorderReplicate)
	k.Close()
}

// The full decode reads nearly all of the hard set, and never a wrong text. (Before the module
// reader, 33 of these 64 frames were read.)
func TestDecodeHardFrames(t *testing.T) {
	const minRead = 60
	r := NewReader()
	defer r.Close()
	read, wrong := map[string]int{}, 0
	total := 0
	for _, c := range hardFrames(t) {
		m := c.frame(t)
		text, err := r.Decode(context.Background(), m)
		m.Close()
		switch {
		case err == nil && text == c.payload:
			read[kindOf(c.name)]++
			total++
		case err == nil:
			wrong++
			t.Errorf("%s: WRONG text", c.name)
		default:
			t.Logf("%s: not read", c.name)
		}
	}
	t.Logf("hard set, full decode: %d/%d read %v, %d wrong", total, len(hardFrames(t)), read, wrong)
	if total < minRead || wrong > 0 {
		t.Errorf("read %d (need %d), %d wrong", total, minRead, wrong)
	}
}

// The live reader, given each hard frame as a held-up form (the frame again and again for a
// second at 25 frames a second) and time for every stage, reads nearly all of them too.
func TestLiveHardFrames(t *testing.T) {
	const minRead = 58
	l := NewLive()
	defer l.Close()
	l.budget = time.Hour // every stage on every frame: the result does not depend on the machine
	total, wrong := 0, 0
	for _, c := range hardFrames(t) {
		m := c.frame(t)
		res, frames := holdUp(l, m, liveHold)
		m.Close()
		switch {
		case frames < 0:
			t.Logf("%s: not read in %d frames", c.name, liveHold)
		case res.Raw != c.payload || string(res.ID) != c.id:
			wrong++
			t.Errorf("%s: WRONG read", c.name)
		default:
			total++
		}
	}
	t.Logf("hard set, live: %d/%d read, %d wrong", total, len(hardFrames(t)), wrong)
	if total < minRead || wrong > 0 {
		t.Errorf("read %d (need %d), %d wrong", total, minRead, wrong)
	}
}

// kindOf is the kind in a hard case's name ("small03(...)" → "small").
func kindOf(name string) string {
	return strings.TrimRight(name[:strings.IndexByte(name, '(')], "0123456789")
}
