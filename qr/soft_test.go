package qr

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// codeModules returns the modules of payload encoded at EC level ec (true = dark), d×d.
func codeModules(t testing.TB, payload, ec string) ([]bool, int) {
	t.Helper()
	hints := map[gozxing.EncodeHintType]interface{}{
		gozxing.EncodeHintType_ERROR_CORRECTION: ec,
		gozxing.EncodeHintType_MARGIN:           0,
	}
	bm, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 1, 1, hints)
	if err != nil {
		t.Fatal(err)
	}
	d := bm.GetWidth()
	out := make([]bool, d*d)
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			out[y*d+x] = bm.Get(x, y)
		}
	}
	return out, d
}

// softOf turns modules into soft values: ±1 plus Gaussian noise of sigma.
func softOf(mods []bool, sigma float64, rng *rand.Rand) []float32 {
	m := make([]float32, len(mods))
	for i, dark := range mods {
		v := -1.0
		if dark {
			v = 1
		}
		m[i] = float32(v + sigma*rng.NormFloat64())
	}
	return m
}

func TestDecodeSoftClean(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, p := range hardPayloads {
		for _, ec := range []string{"L", "M", "Q", "H"} {
			mods, d := codeModules(t, p.payload, ec)
			text, ok := decodeSoft(softOf(mods, 0.2, rng), d)
			if !ok || text != p.payload {
				t.Errorf("%s/%s (%d×%d): %q, %v", p.id, ec, d, d, text, ok)
			}
		}
	}
}

// A patch of the code lost (a thumb: values near 0, their signs random) is read through
// erasures where error correction alone cannot: the patch is larger than half the check
// codewords of each block can cover as errors.
func TestDecodeSoftErasesWhatItCannotSee(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	p := hardPayloads[1] // URL, M: 41×41, 4 blocks of 43 codewords with 16 check codewords each
	mods, d := codeModules(t, p.payload, "M")
	m := softOf(mods, 0.15, rng)
	// cover a band of columns on the right (the data region, away from the finders)
	for y := 9; y < d; y++ {
		for x := d - 12; x < d-1; x++ {
			m[y*d+x] = float32(0.05 * rng.NormFloat64())
		}
	}
	hard := make([]float32, len(m))
	for i, v := range m {
		hard[i] = -1
		if v > 0 {
			hard[i] = 1
		}
	}
	if text, ok := decodeSoft(hard, d); ok {
		t.Fatalf("hard decisions decoded (%q): the patch is too small to test erasures", text)
	}
	if text, ok := decodeSoft(m, d); !ok || text != p.payload {
		t.Errorf("soft: %q, %v", text, ok)
	}
}

// Noise never decodes: random soft grids of every size used by forms.
func TestDecodeSoftRefusesNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := 0; trial < 3000; trial++ {
		d := 21 + 4*(trial%8)
		m := make([]float32, d*d)
		for i := range m {
			m[i] = float32(rng.NormFloat64())
		}
		if text, ok := decodeSoft(m, d); ok {
			t.Fatalf("noise decoded as %q", text)
		}
	}
}
