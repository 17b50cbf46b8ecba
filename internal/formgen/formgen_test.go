package formgen_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/idbooth/idbooth/internal/formgen"
	"github.com/idbooth/idbooth/qr"
	"gocv.io/x/gocv"
)

var payloads = []struct{ payload, id string }{
	{"00707305390250374060955", "00707305390250374060955"},
	{"85185-76135-82482-61052-275", "85185761358248261052275"},
	{"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?shinseiId=73241688053052503051788", "73241688053052503051788"},
}

func TestFormDecodesAsRendered(t *testing.T) {
	r := qr.NewReader()
	defer r.Close()
	for _, p := range payloads {
		for _, w := range []int{600, 1000, 1600} {
			page, err := formgen.Form(p.payload, formgen.FormOptions{Width: w, Caption: p.id})
			if err != nil {
				t.Fatal(err)
			}
			if page.QR.Empty() || !page.QR.In(page.Bounds()) {
				t.Fatalf("QR %v outside page %v", page.QR, page.Bounds())
			}
			got, err := r.DecodeImage(context.Background(), page)
			if err != nil || got != p.payload {
				t.Errorf("width %d: decoded %q, %v; want %q", w, got, err, p.payload)
			}
		}
	}
	if _, err := formgen.Form(string(bytes.Repeat([]byte("x"), 3000)), formgen.FormOptions{}); err == nil {
		t.Error("a payload larger than any QR code was rendered")
	}
	if _, err := formgen.Form("x", formgen.FormOptions{Width: 100}); err == nil {
		t.Error("a 100 px page was rendered")
	}
}

// Every composed frame must decode to the exact payload, and the payload to the ID: sizes,
// rotations all round the circle, perspective, defocus, noise and JPEG together.
func TestFrameRoundTrip(t *testing.T) {
	r := qr.NewReader()
	defer r.Close()
	sizes := [][2]int{{640, 480}, {1280, 720}, {1920, 1080}}
	n, read := 0, 0
	for pi, p := range payloads {
		page, err := formgen.Form(p.payload, formgen.FormOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ax, ay := page.QRCenter()
		for i, rot := 0, 0.0; rot < 360; i, rot = i+1, rot+30 {
			sz := sizes[(i+pi)%len(sizes)]
			modulePx := []float64{3.5, 5, 8}[(i+2*pi)%3]
			o := formgen.FrameOptions{
				Width: sz[0], Height: sz[1],
				CenterX: 0.4 + 0.05*float64(i%5), CenterY: 0.45 + 0.05*float64(i%3),
				AnchorX: ax, AnchorY: ay,
				Scale:       modulePx / 6, // the default page has 6 px modules
				Rotation:    rot + 7*float64(pi),
				TiltX:       []float64{0, 20, -25, 10}[i%4],
				TiltY:       []float64{15, 0, -10, -20}[(i+pi)%4],
				Blur:        []float64{0, 0.8, 1.2}[i%3],
				Noise:       []float64{0, 4, 8}[(i+1)%3],
				JPEGQuality: []int{0, 85, 60}[(i+pi)%3],
				Seed:        uint64(100*pi + i),
			}
			name := fmt.Sprintf("p%d/rot%.0f", pi, o.Rotation)
			m, err := formgen.FrameMat(page, o)
			if err != nil {
				t.Fatal(name, err)
			}
			text, err := r.Decode(context.Background(), m)
			m.Close()
			n++
			if err != nil {
				t.Errorf("%s %+v: %v", name, o, err)
				continue
			}
			id, err := qr.ParsePayload(text)
			if text != p.payload || err != nil || string(id) != p.id {
				t.Errorf("%s: decoded %q → %q, %v", name, text, id, err)
				continue
			}
			read++
		}
	}
	t.Logf("%d/%d generated frames read", read, n)
}

func TestFrameDeterministic(t *testing.T) {
	page, err := formgen.Form(payloads[2].payload, formgen.FormOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := formgen.FrameOptions{Rotation: 33, TiltX: 12, Blur: 1, Noise: 6, JPEGQuality: 80, Seed: 7}
	a, err := formgen.Frame(page, o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := formgen.Frame(page, o)
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("same options and seed gave different frames")
	}
	o.Seed = 8
	c, _ := formgen.Frame(page, o)
	if bytes.Equal(a.Pix, c.Pix) {
		t.Error("another seed gave the same frame")
	}
	if a.Bounds().Dx() != 1280 || a.Bounds().Dy() != 720 {
		t.Errorf("default frame size %v", a.Bounds())
	}
}

func TestFrameRejectsBadOptions(t *testing.T) {
	page, err := formgen.Form(payloads[0].payload, formgen.FormOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []formgen.FrameOptions{
		{Width: 10, Height: 10},
		{JPEGQuality: 101},
		{Blur: -1},
		{Scale: -2},
		{TiltX: 89, Scale: 3},
	} {
		if _, err := formgen.Frame(page, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	s, err := formgen.NewScene(page, 320, 240, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	dst := gocv.NewMat()
	defer dst.Close()
	if err := s.Render(formgen.FrameOptions{}, &dst); err == nil {
		t.Error("Render after Close succeeded")
	}
}

// The demo camera's cost: one 1280×720 frame from a prepared scene.
func BenchmarkSceneRender(b *testing.B) {
	page, err := formgen.Form(payloads[2].payload, formgen.FormOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		o    formgen.FrameOptions
	}{
		{"plain", formgen.FrameOptions{Rotation: 8, TiltX: 10}},
		{"blur+noise", formgen.FrameOptions{Rotation: 8, TiltX: 10, Blur: 1, Noise: 5}},
		{"blur+noise+jpeg", formgen.FrameOptions{Rotation: 8, TiltX: 10, Blur: 1, Noise: 5, JPEGQuality: 80}},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := formgen.NewScene(page, 1280, 720, 1)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			dst := gocv.NewMat()
			defer dst.Close()
			for i := 0; b.Loop(); i++ {
				c.o.Seed = uint64(i)
				c.o.Rotation = float64(i % 360)
				if err := s.Render(c.o, &dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
