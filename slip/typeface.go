package slip

import (
	"sync"

	"github.com/idbooth/idbooth/assets"
)

// A typeface is the fonts one language's text is set in, in the order they are tried: the
// language's own font (assets.FontFor), then the others in assets.Fonts order. Each rune is
// set in the first that has a glyph for it: an English sentence in Noto Sans with its
// Japanese terms in IPAex Gothic, a Chinese one in Droid Sans Fallback with its digits in
// IPAex (Droid has no Latin). Widths for line breaking and both renderers go through runs, so
// that what is measured is what is drawn.
type typeface struct {
	order [maxFonts]uint8
	n     int
}

var (
	typefacesOnce sync.Once
	typefaces     [maxFonts]typeface // by the index of the first font
)

// typefaceFor is the typeface of lang's text.
func typefaceFor(lang string) *typeface {
	typefacesOnce.Do(func() {
		n := len(assets.Fonts())
		for first := 0; first < n && first < maxFonts; first++ {
			t := &typefaces[first]
			t.order[t.n], t.n = uint8(first), t.n+1
			for i := 0; i < n && i < maxFonts; i++ {
				if i != first {
					t.order[t.n], t.n = uint8(i), t.n+1
				}
			}
		}
	})
	first := fontIndex(assets.FontFor(lang))
	if first < 0 {
		first = 0
	}
	return &typefaces[first]
}

// japanese is the typeface of the Japanese texts and of what is in no language (receipt
// number, booth name, URL): IPAex Gothic first.
func japanese() *typeface { return typefaceFor(assets.DefaultLanguage) }

// pick is the font of a rune with glyph g after a rune set in prev (-1 at the start): a
// combining mark or a space stays in the font of what precedes it when that font has it (a
// mark belongs to its base; a space in the middle of a run would only switch fonts twice).
// ok is false when no font has the rune.
func (t *typeface) pick(r rune, g *glyph, prev int) (f int, ok bool) {
	if prev >= 0 && (g.mark || r == ' ') && g.in&(1<<prev) != 0 {
		return prev, true
	}
	for _, f := range t.order[:t.n] {
		if g.in&(1<<f) != 0 {
			return int(f), true
		}
	}
	return int(t.order[0]), false
}

// runs calls fn for each run of s set in one font: its byte range, its font and where it
// starts, in ems from the start of s. It returns the width of s in ems.
func (t *typeface) runs(s string, fn func(start, end, font int, x float64)) float64 {
	if t == nil {
		t = japanese() // the slip's typeface for text in no language
	}
	x, runX := 0.0, 0.0
	start, cur := 0, -1
	for i, r := range s {
		g := glyphOf(r)
		f, _ := t.pick(r, g, cur)
		if f != cur {
			if cur >= 0 && fn != nil {
				fn(start, i, cur, runX)
			}
			start, cur, runX = i, f, x
		}
		x += float64(g.adv[f])
	}
	if cur >= 0 && fn != nil {
		fn(start, len(s), cur, runX)
	}
	return x
}

// textWidth is the width of s set in t at size (any unit: points for the PDF, dots for the raster).
func textWidth(t *typeface, s string, size float64) float64 { return t.runs(s, nil) * size }

// missingGlyphs lists the runes of s that no font has.
func missingGlyphs(t *typeface, s string) []rune {
	if t == nil {
		t = japanese()
	}
	var out []rune
	prev := -1
	for _, r := range s {
		f, ok := t.pick(r, glyphOf(r), prev)
		if !ok && r != ' ' && r != '\n' {
			out = append(out, r)
		}
		prev = f
	}
	return out
}

// fontsUsed is the set of fonts (bit i: fonts[i]) that s is set in.
func fontsUsed(t *typeface, s string) uint8 {
	var used uint8
	t.runs(s, func(_, _, f int, _ float64) { used |= 1 << f })
	return used
}
