package slip

import (
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/idbooth/idbooth/assets"
)

// The slip has one typeface, the embedded IPAex Gothic, for both the PDF and the raster, so
// that both break lines in the same places.
var (
	fontOnce sync.Once
	fontFace *sfnt.Font
	fontErr  error

	// advances caches glyph advances in font units; sfnt needs a Buffer per call otherwise.
	advanceMu sync.Mutex
	advances  = map[rune]advance{}
	unitsEm   float64
)

type advance struct {
	units float64
	ok    bool // the font has a glyph for the rune
}

func japaneseFont() (*sfnt.Font, error) {
	fontOnce.Do(func() {
		fontFace, fontErr = sfnt.Parse(assets.FontJapanese)
		if fontErr != nil {
			fontErr = fmt.Errorf("slip: parse embedded font: %w", fontErr)
			return
		}
		unitsEm = float64(fontFace.UnitsPerEm())
	})
	return fontFace, fontErr
}

// runeAdvance returns the advance of r in ems, and whether the font has a glyph for it.
func runeAdvance(r rune) (float64, bool) {
	f, err := japaneseFont()
	if err != nil {
		return 0, false
	}
	advanceMu.Lock()
	defer advanceMu.Unlock()
	if a, ok := advances[r]; ok {
		return a.units / unitsEm, a.ok
	}
	var buf sfnt.Buffer
	var a advance
	if gi, err := f.GlyphIndex(&buf, r); err == nil && gi != 0 {
		adv, err := f.GlyphAdvance(&buf, gi, fixed.I(int(unitsEm)), font.HintingNone)
		a = advance{units: float64(adv) / 64, ok: err == nil}
	}
	advances[r] = a
	return a.units / unitsEm, a.ok
}

// textWidth is the width of s set at size (any unit: points for the PDF, dots for the raster).
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		em, _ := runeAdvance(r)
		w += em
	}
	return w * size
}

// missingGlyphs lists the runes of s the font cannot draw.
func missingGlyphs(s string) []rune {
	var out []rune
	for _, r := range s {
		if r == ' ' || r == '\n' {
			continue
		}
		if _, ok := runeAdvance(r); !ok {
			out = append(out, r)
		}
	}
	return out
}

// rasterFace returns a face for drawing at size pixels.
func rasterFace(size float64) (font.Face, error) {
	f, err := japaneseFont()
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("slip: font face: %w", err)
	}
	return face, nil
}
