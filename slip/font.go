package slip

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/idbooth/idbooth/assets"
)

// The slip is set in the kiosk's embedded fonts (assets.Fonts), parsed once. What the slip
// knows of a rune in each of them (has it a glyph, how wide is it) is kept in a table read
// without a lock: a slip measures its text some ten thousand times while it looks for the
// type size and the line breaks.

// slipFont is one of assets.Fonts, parsed.
type slipFont struct {
	sfnt   *sfnt.Font
	data   []byte
	family string // the PostScript name, the font's name in the PDF
}

// maxFonts bounds assets.Fonts: glyph.in is a bit set of them.
const maxFonts = 8

var (
	fontsOnce sync.Once
	fonts     []slipFont
	fontsErr  error
)

// loadFonts parses the embedded fonts; an error is a broken build, reported by every render.
func loadFonts() ([]slipFont, error) {
	fontsOnce.Do(func() {
		all := assets.Fonts()
		if len(all) > maxFonts {
			fontsErr = fmt.Errorf("slip: %d fonts, at most %d", len(all), maxFonts)
			return
		}
		var buf sfnt.Buffer
		for _, a := range all {
			f, err := sfnt.Parse(a.Data)
			if err != nil {
				fontsErr = fmt.Errorf("slip: parse embedded font %s: %w", a.Name, err)
				return
			}
			family, err := f.Name(&buf, sfnt.NameIDPostScript)
			if err != nil || family == "" {
				family = strings.TrimSuffix(a.Name, ".ttf")
			}
			fonts = append(fonts, slipFont{sfnt: f, data: a.Data, family: family})
		}
	})
	return fonts, fontsErr
}

// fontIndex is the position of a in assets.Fonts, -1 if it is not there.
func fontIndex(a assets.Font) int {
	for i, f := range assets.Fonts() {
		if f.Name == a.Name {
			return i
		}
	}
	return -1
}

// glyph is what the slip knows of a rune in every font.
type glyph struct {
	in   uint8             // bit i: fonts[i] has a glyph for the rune
	mark bool              // a combining mark (Mn, Mc, Me): drawn in its base's font
	adv  [maxFonts]float32 // advance in ems, in each font that has it
}

// glyphPages holds the glyphs of the Basic Multilingual Plane 256 runes a page, each page
// filled on first use and never changed after.
var glyphPages [0x100]atomic.Pointer[[0x100]glyph]

func glyphOf(r rune) *glyph {
	if r < 0 || r > 0xFFFF {
		g := lookupGlyph(new(sfnt.Buffer), r) // rare (emoji, CJK extension B): not cached
		return &g
	}
	p := &glyphPages[r>>8]
	page := p.Load()
	if page == nil {
		page = new([0x100]glyph)
		var buf sfnt.Buffer
		for i := range page {
			page[i] = lookupGlyph(&buf, r&^0xFF|rune(i))
		}
		if !p.CompareAndSwap(nil, page) {
			page = p.Load()
		}
	}
	return &page[r&0xFF]
}

func lookupGlyph(buf *sfnt.Buffer, r rune) glyph {
	g := glyph{mark: isMark(r)}
	fs, _ := loadFonts()
	for i, f := range fs {
		gi, err := f.sfnt.GlyphIndex(buf, r)
		if err != nil || gi == 0 {
			continue
		}
		em := f.sfnt.UnitsPerEm()
		adv, err := f.sfnt.GlyphAdvance(buf, gi, fixed.I(int(em)), font.HintingNone)
		if err != nil {
			continue
		}
		g.in |= 1 << i
		g.adv[i] = float32(float64(adv) / 64 / float64(em))
	}
	return g
}

// runeAdvance is the advance of r in ems in fonts[f], and whether that font has a glyph for it.
func runeAdvance(r rune, f int) (float64, bool) {
	g := glyphOf(r)
	return float64(g.adv[f]), g.in&(1<<f) != 0
}

// rasterFace returns fonts[f] as a face for drawing at size pixels.
func rasterFace(f int, size float64) (font.Face, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(fs[f].sfnt, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("slip: font face %s: %w", fs[f].family, err)
	}
	return face, nil
}
