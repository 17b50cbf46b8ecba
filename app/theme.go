package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/idbooth/idbooth/assets"
)

// kioskTheme is Fyne's light theme with the embedded Japanese font for every text style (Fyne's
// own font has no kana or kanji) and sizes for a touchscreen read at arm's length.
type kioskTheme struct{ base fyne.Theme }

var japaneseFont = fyne.NewStaticResource("ipaexg.ttf", assets.FontJapanese)

func newKioskTheme() fyne.Theme { return kioskTheme{base: theme.DefaultTheme()} }

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return color.NRGBA{0x1b, 0x5e, 0x9e, 0xff} // the icon's blue
	}
	// A kiosk in a bright booth: always the light variant, whatever the desktop prefers.
	return t.base.Color(n, theme.VariantLight)
}

func (t kioskTheme) Font(fyne.TextStyle) fyne.Resource { return japaneseFont }

func (t kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 22
	case theme.SizeNameHeadingText:
		return 34
	case theme.SizeNameSubHeadingText:
		return 26
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInnerPadding:
		return 14
	}
	return t.base.Size(n)
}
