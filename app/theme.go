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

// palette is the kiosk's colours. Both keep text at 7:1 or more against its background (WCAG
// AAA: kiosks stand in bright rooms); problems and success are told by words and marks too,
// never by colour alone.
type palette struct {
	background, text, muted      color.Color
	primary, onPrimary           color.Color // the main action, and its label
	secondary, onSecondary, edge color.Color // other buttons
	disabled, onDisabled         color.Color
	problem, good                color.Color
	panel, overlay, shade        color.Color
}

var (
	// lightPalette: dark text on white.
	lightPalette = palette{
		background: color.White, text: color.NRGBA{0x11, 0x11, 0x11, 0xff}, muted: color.NRGBA{0x3d, 0x3d, 0x3d, 0xff}, // 11:1
		primary: color.NRGBA{0x0b, 0x4f, 0x8a, 0xff}, onPrimary: color.White, // 8.6:1
		secondary: color.NRGBA{0xe4, 0xe8, 0xee, 0xff}, onSecondary: color.NRGBA{0x11, 0x11, 0x11, 0xff}, edge: color.NRGBA{0x8c, 0x93, 0x9d, 0xff},
		disabled: color.NRGBA{0xee, 0xee, 0xee, 0xff}, onDisabled: color.NRGBA{0x6b, 0x6b, 0x6b, 0xff},
		problem: color.NRGBA{0x8a, 0x33, 0x00, 0xff}, good: color.NRGBA{0x1b, 0x5e, 0x20, 0xff}, // 8.2:1, 7.9:1
		panel: color.NRGBA{0xf3, 0xf5, 0xf8, 0xff}, overlay: color.NRGBA{0xff, 0xff, 0xff, 0xb0}, shade: color.NRGBA{0, 0, 0, 0x99},
	}
	// contrastPalette: yellow on black, for low vision.
	contrastPalette = palette{
		background: color.Black, text: color.NRGBA{0xff, 0xeb, 0x3b, 0xff}, muted: color.NRGBA{0xff, 0xf5, 0x9d, 0xff}, // 17:1
		primary: color.NRGBA{0xff, 0xeb, 0x3b, 0xff}, onPrimary: color.Black,
		secondary: color.Black, onSecondary: color.NRGBA{0xff, 0xeb, 0x3b, 0xff}, edge: color.NRGBA{0xff, 0xeb, 0x3b, 0xff},
		disabled: color.Black, onDisabled: color.NRGBA{0xbd, 0xbd, 0xbd, 0xff}, // 11:1
		problem: color.NRGBA{0xff, 0xab, 0x91, 0xff}, good: color.NRGBA{0xb9, 0xf6, 0xca, 0xff}, // 11:1, 17:1
		panel: color.Black, overlay: color.NRGBA{0, 0, 0, 0xc0}, shade: color.NRGBA{0, 0, 0, 0xcc},
	}
	// pal is the palette in use (UI goroutine only).
	pal = &lightPalette
)

// kioskTheme is the kiosk's look in the resident's script at the screen's scale: its palette,
// and large type when asked.
type kioskTheme struct {
	base  fyne.Theme
	font  fyne.Resource
	scale float32
	pal   *palette
	large bool
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

func newKioskTheme(lang string, scale float32, p *palette, large bool) *kioskTheme {
	return &kioskTheme{base: theme.DefaultTheme(), font: fontResource(lang), scale: scale, pal: p, large: large}
}

func (t *kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	p := t.pal
	switch n {
	case theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground:
		return p.background
	case theme.ColorNameForeground:
		return p.text
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return p.primary
	case theme.ColorNameForegroundOnPrimary:
		return p.onPrimary
	case theme.ColorNameButton:
		return p.secondary
	case theme.ColorNameInputBorder:
		return p.edge
	case theme.ColorNameError, theme.ColorNameWarning:
		return p.problem
	case theme.ColorNameSuccess:
		return p.good
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		return p.muted
	}
	if p == &contrastPalette {
		return t.base.Color(n, theme.VariantDark)
	}
	// A kiosk in a bright booth: the light variant, whatever the desktop prefers.
	return t.base.Color(n, theme.VariantLight)
}

// Font is the resident's script for every style: one font parsed, not four (a CJK font costs
// Fyne tens of MB per style).
func (t *kioskTheme) Font(fyne.TextStyle) fyne.Resource { return t.font }

func (t *kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// largeType enlarges text by this much, and touch targets by a little less (so that every screen
// still fits at 1280×800).
const largeType, largeTargets = 1.3, 1.12

func (t *kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	v, ok := sizes1080[n]
	if !ok {
		return t.base.Size(n)
	}
	v *= t.scale
	if t.large {
		switch n {
		case sizeButton, sizeGap:
			v *= largeTargets
		case theme.SizeNamePadding, theme.SizeNameInnerPadding, theme.SizeNameInputBorder, theme.SizeNameInputRadius,
			theme.SizeNameSelectionRadius, theme.SizeNameScrollBar:
		default:
			v *= largeType
		}
	}
	return v
}

// scaleFor is the theme scale for a window of w×h: 1 for full HD in either orientation.
func scaleFor(w, h float32) float32 {
	long, short := max(w, h), min(w, h)
	s := min(long/1920, short/1080)
	return max(0.5, min(2, s))
}
