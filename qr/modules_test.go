package qr

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A lattice's transform puts the module coordinates of its four points exactly on them.
func TestLatticeTransform(t *testing.T) {
	g := lattice{d: 41, pts: [4][2]float64{{103.5, 220.25}, {281, 198}, {300.75, 371}, {121, 402.5}}}
	tr := g.transform()
	for i, m := range [4][2]float64{{3.5, 3.5}, {37.5, 3.5}, {37.5, 37.5}, {3.5, 37.5}} {
		x, y := tr.apply(m[0], m[1])
		if math.Abs(x-g.pts[i][0]) > 1e-9 || math.Abs(y-g.pts[i][1]) > 1e-9 {
			t.Errorf("point %d: (%v, %v), want %v", i, x, y, g.pts[i])
		}
	}
	if !g.valid() {
		t.Error("a convex lattice of 5 px modules is not valid")
	}
	g.pts[1], g.pts[3] = g.pts[3], g.pts[1] // seen from behind
	if g.valid() {
		t.Error("a mirrored lattice is valid")
	}
}

// blurModules spreads module values with a point-symmetric kernel (weights centre, horizontal,
// vertical, ↘, ↗), adds an offset and noise: a code sampled at module centres through a blur.
func blurModules(mods []bool, d int, w [5]float64, c, sigma float64, rng *rand.Rand) []float32 {
	e := d + 2
	b := make([]float64, e*e)
	for i := range b {
		b[i] = -1 // the quiet zone
	}
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			if mods[y*d+x] {
				b[(y+1)*e+x+1] = 1
			}
		}
	}
	out := make([]float32, e*e)
	for y := 0; y < e; y++ {
		for x := 0; x < e; x++ {
			v := c + sigma*rng.NormFloat64()
			for _, o := range kernelOffsets {
				xx, yy := x+o.dx, y+o.dy
				nb := -1.0
				if xx >= 0 && yy >= 0 && xx < e && yy < e {
					nb = b[yy*e+xx]
				}
				v += w[o.w] * nb
			}
			out[y*e+x] = float32(v)
		}
	}
	return out
}

// Heavy blur — a module's neighbours weigh together more than the module itself, as with
// defocus of about a module's radius, or motion over a module and a half — makes the sampled
// values undecodable; the kernel estimated from the known modules undoes it.
func TestDeblurUndoesEstimatedBlur(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	p := hardPayloads[1]
	mods, d := codeModules(t, p.payload, "M")
	for _, c := range []struct {
		name string
		w    [5]float64
	}{
		{"defocus", [5]float64{0.34, 0.12, 0.12, 0.045, 0.045}},
		{"motion ↘", [5]float64{0.4, 0.05, 0.05, 0.25, 0}},
		{"motion →", [5]float64{0.42, 0.29, 0, 0, 0}},
	} {
		ext := blurModules(mods, d, c.w, 0.1, 0.06, rng)
		if text, ok := decodeSoft(inner(ext, d), d); ok {
			t.Fatalf("%s: decodes without deblurring (%q): not a test", c.name, text)
		}
		e := d + 2
		sign := signMap(d)
		k, ok := estimateKernel(ext, sign, e)
		if !ok {
			t.Fatalf("%s: no kernel", c.name)
		}
		for i, want := range c.w {
			if math.Abs(k.w[i]-want) > 0.03 {
				t.Errorf("%s: weight %d estimated %.3f, blurred with %.3f", c.name, i, k.w[i], want)
			}
		}
		if text, ok := readModules(ext, d); !ok || text != p.payload {
			t.Errorf("%s: deblurred: %q, %v", c.name, text, ok)
		}
	}
}
