package qr

import (
	"context"
	"math"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/internal/formgen"
)

// A dimSequence is a form held up in dim light: a small, slightly defocused code, sensor
// noise new in every frame, the hand moving a little.
type dimSequence struct {
	payload  string
	ec       string
	modulePx float64 // frame pixels per module
	disk     float64 // defocus radius, px
	light    float64 // gain on the scene's light
	noise    float64 // sensor noise, grey levels
	seed     uint64
}

// frames renders n frames of the sequence (the caller closes them).
func (s dimSequence) frames(tb testing.TB, n int) []gocv.Mat {
	tb.Helper()
	page, err := formgen.Form(s.payload, formgen.FormOptions{ECLevel: s.ec, ModulePx: 6})
	if err != nil {
		tb.Fatal(err)
	}
	ax, ay := page.QRCenter()
	scene, err := formgen.NewScene(page, 1280, 720, s.seed)
	if err != nil {
		tb.Fatal(err)
	}
	defer scene.Close()
	var out []gocv.Mat
	for i := 0; i < n; i++ {
		t := float64(i) + float64(s.seed)
		// a hand holding still: a pixel or two of drift and a fraction of a degree of turn
		o := formgen.FrameOptions{
			AnchorX: ax, AnchorY: ay,
			CenterX: 0.5 + 0.002*math.Sin(t*0.7), CenterY: 0.5 + 0.002*math.Cos(t*0.5),
			Scale: s.modulePx / 6, Rotation: 8 + 0.4*math.Sin(t*0.3), TiltX: 12, TiltY: -6, Blur: 0.4,
		}
		m := gocv.NewMat()
		if err := scene.Render(o, &m); err != nil {
			m.Close()
			tb.Fatal(err)
		}
		fx := effects{disk: s.disk, light: s.light, noise: s.noise, quality: 85, seed: s.seed*1000 + uint64(i)}
		if err := fx.apply(&m); err != nil {
			m.Close()
			tb.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// dimSequences are held up long enough (a second at 25 frames a second) for the live reader
// to read them from several frames, though no frame of them can be read alone.
var dimSequences = []dimSequence{
	{payload: hardPayloads[1].payload, ec: hardPayloads[1].ec, modulePx: 4.4, disk: 4.0, light: 0.35, noise: 18, seed: 1},
	{payload: hardPayloads[0].payload, ec: hardPayloads[0].ec, modulePx: 4.4, disk: 4.0, light: 0.35, noise: 18, seed: 2},
	{payload: hardPayloads[3].payload, ec: hardPayloads[3].ec, modulePx: 4.6, disk: 4.0, light: 0.3, noise: 20, seed: 3},
}

// No frame of a dim sequence decodes on its own, not even with every strategy of a full
// decode; the live reader, averaging the module values of the frames it follows the code
// through, reads it.
func TestLiveCombinesFrames(t *testing.T) {
	r := NewReader()
	defer r.Close()
	l := NewLive()
	defer l.Close()
	l.budget = time.Hour // every stage on every frame: the result does not depend on the machine
	for _, s := range dimSequences {
		frames := s.frames(t, liveHold)
		l.track.reset()
		read := -1
		for i, m := range frames {
			res, found := l.Scan(context.Background(), m)
			if !found {
				continue
			}
			if res.Raw != s.payload {
				t.Errorf("seed %d: WRONG read", s.seed)
			}
			read = i
			break
		}
		switch {
		case read < 0:
			t.Errorf("seed %d: not read in %d frames", s.seed, len(frames))
		case l.combined < 2:
			t.Errorf("seed %d: read at frame %d from %d frame(s): the frames were not combined", s.seed, read, l.combined)
		default:
			t.Logf("seed %d: read at frame %d, combining %d frames", s.seed, read, l.combined)
		}
		// the frames the live reader saw up to its read: none decodes alone
		for i, m := range frames[:read+1] {
			if text, err := r.Decode(context.Background(), m); err == nil {
				t.Errorf("seed %d: frame %d decodes alone (%v): not a test of combining frames", s.seed, i, text == s.payload)
			}
		}
		for _, m := range frames {
			m.Close()
		}
	}
}
