package app

import (
	"image"
	"image/color"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/idbooth/idbooth/assets"
)

// Language names are drawn once into images, each in its own script. Drawn as text they would
// make Fyne parse five more fonts in full (a CJK font costs it tens of MB); the sfnt package
// reads only the few glyphs a name needs. No shaping is needed for these names: none uses a
// reordering vowel or a conjunct.
var (
	nameMu    sync.Mutex
	nameCache = map[nameKey]*image.RGBA{}
)

type nameKey struct {
	lang string
	px   int
	col  color.NRGBA
}

// languageName is lang's own name drawn px pixels high, in the palette's text colour, or its
// colour on the accent when on.
func languageName(lang string, px int, on bool) image.Image {
	var c color.Color = pal.onSecondary
	if on {
		c = pal.onPrimary
	}
	key := nameKey{lang, px, color.NRGBAModel.Convert(c).(color.NRGBA)}
	nameMu.Lock()
	defer nameMu.Unlock()
	if img, ok := nameCache[key]; ok {
		return img
	}
	img := drawName(assets.Messages(lang).T("ui.lang_name"), assets.FontFor(lang).Data, px, c)
	nameCache[key] = img
	return img
}

func drawName(text string, fontData []byte, px int, col color.Color) *image.RGBA {
	f, err := opentype.Parse(fontData)
	if err != nil {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(px) * 0.75, DPI: 96, Hinting: font.HintingFull})
	if err != nil {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	defer face.Close()
	m := face.Metrics()
	w := font.MeasureString(face, text).Ceil() + 2
	h := (m.Ascent + m.Descent).Ceil() + 2
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face, Dot: fixed.Point26_6{X: fixed.I(1), Y: m.Ascent + fixed.I(1)}}
	d.DrawString(text)
	return img
}
