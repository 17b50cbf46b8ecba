package app

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/idbooth/idbooth/assets"
)

// Text sizes and spacings at a 1080p screen; kioskTheme scales them to the screen (UX.md:
// body text ≥ 32 px and headings ≥ 48 px at 1080p, touch targets ≥ 15 mm).
const (
	sizeBody    fyne.ThemeSizeName = "idbooth.body"
	sizeSmall   fyne.ThemeSizeName = "idbooth.small"
	sizeHeading fyne.ThemeSizeName = "idbooth.heading"
	sizeHint    fyne.ThemeSizeName = "idbooth.hint" // the live hint: large, but a sentence fits
	sizeLarge   fyne.ThemeSizeName = "idbooth.large"
	sizeHuge    fyne.ThemeSizeName = "idbooth.huge"
	sizeButton  fyne.ThemeSizeName = "idbooth.button" // a button's height
	sizeGap     fyne.ThemeSizeName = "idbooth.gap"    // between touch targets (≥ 5 mm)
)

var sizes1080 = map[fyne.ThemeSizeName]float32{
	sizeBody: 32, sizeSmall: 27, sizeHeading: 48, sizeHint: 40, sizeLarge: 72, sizeHuge: 220,
	sizeButton: 104, sizeGap: 28,
	theme.SizeNameText: 32, theme.SizeNameHeadingText: 48, theme.SizeNameSubHeadingText: 40,
	theme.SizeNamePadding: 8, theme.SizeNameInnerPadding: 16, theme.SizeNameInputBorder: 3,
	theme.SizeNameInputRadius: 10, theme.SizeNameSelectionRadius: 8, theme.SizeNameScrollBar: 20,
}

// Colours for a bright booth: dark text on white, at least 7:1 (WCAG AAA) for text and for
// the primary button; problems and success are told by words and marks too, never by colour
// alone.
var (
	colorText      = color.NRGBA{0x11, 0x11, 0x11, 0xff}
	colorMuted     = color.NRGBA{0x3d, 0x3d, 0x3d, 0xff} // 11:1
	colorPrimary   = color.NRGBA{0x0b, 0x4f, 0x8a, 0xff} // white on it: 8.6:1
	colorSecondary = color.NRGBA{0xe4, 0xe8, 0xee, 0xff}
	colorProblem   = color.NRGBA{0x8a, 0x33, 0x00, 0xff} // 8.2:1
	colorGood      = color.NRGBA{0x1b, 0x5e, 0x20, 0xff} // 7.9:1
	colorPanel     = color.NRGBA{0xf3, 0xf5, 0xf8, 0xff}
	colorOverlay   = color.NRGBA{0xff, 0xff, 0xff, 0xb0} // over the preview while checking
	colorShade     = color.NRGBA{0x00, 0x00, 0x00, 0x99} // behind a question over the screen
)

// kioskTheme is a light, high-contrast theme in the resident's script at the screen's scale.
type kioskTheme struct {
	base  fyne.Theme
	font  fyne.Resource
	scale float32
}

var (
	fontResourcesMu sync.Mutex
	fontResources   = map[string]fyne.Resource{}
)

// fontResource is the embedded font for lang as a Fyne resource, one per font file, so that
// Fyne's caches see the same resource each time.
func fontResource(lang string) fyne.Resource {
	f := assets.FontFor(lang)
	fontResourcesMu.Lock()
	defer fontResourcesMu.Unlock()
	r, ok := fontResources[f.Name]
	if !ok {
		r = fyne.NewStaticResource(f.Name, f.Data)
		fontResources[f.Name] = r
	}
	return r
}

func newKioskTheme(lang string, scale float32) *kioskTheme {
	return &kioskTheme{base: theme.DefaultTheme(), font: fontResource(lang), scale: scale}
}

func (t *kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground:
		return color.White
	case theme.ColorNameForeground:
		return colorText
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return colorPrimary
	case theme.ColorNameForegroundOnPrimary:
		return color.White
	case theme.ColorNameButton:
		return colorSecondary
	case theme.ColorNameError:
		return colorProblem
	case theme.ColorNameSuccess:
		return colorGood
	case theme.ColorNameWarning:
		return colorProblem
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		return colorMuted
	}
	// A kiosk in a bright booth: always the light variant, whatever the desktop prefers.
	return t.base.Color(n, theme.VariantLight)
}

// Font is the resident's script for every style: one font parsed, not four (a CJK font costs
// Fyne tens of MB per style).
func (t *kioskTheme) Font(fyne.TextStyle) fyne.Resource { return t.font }

func (t *kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	if v, ok := sizes1080[n]; ok {
		return v * t.scale
	}
	return t.base.Size(n)
}

// scaleFor is the theme scale for a window of w×h: 1 for full HD in either orientation.
func scaleFor(w, h float32) float32 {
	long, short := max(w, h), min(w, h)
	s := min(long/1920, short/1080)
	return max(0.5, min(2, s))
}
