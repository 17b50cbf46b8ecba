package assets

import _ "embed"

// The kiosk's typefaces, one per script (scripts/fetch-assets copies them from Debian's font
// packages, each with its licence beside it in fonts/). All are single TrueType files: Fyne 2.8
// cannot load a .ttc collection, which is how Debian ships Noto CJK.
var (
	// FontJapanese is IPAex Gothic (IPA Font License): Japanese, and the slip's typeface.
	//
	//go:embed fonts/ipaexg.ttf
	FontJapanese []byte
	// fontLatin is Noto Sans (SIL OFL 1.1): Latin with Vietnamese's stacked accents.
	//
	//go:embed fonts/NotoSans-Regular.ttf
	fontLatin []byte
	// fontChinese is Droid Sans Fallback Full (Apache-2.0): simplified and traditional Han.
	//
	//go:embed fonts/DroidSansFallbackFull.ttf
	fontChinese []byte
	// fontKorean is NanumGothic (SIL OFL 1.1): Hangul.
	//
	//go:embed fonts/NanumGothic.ttf
	fontKorean []byte
	// fontThai is Noto Sans Thai (SIL OFL 1.1).
	//
	//go:embed fonts/NotoSansThai-Regular.ttf
	fontThai []byte
	// fontDevanagari is Noto Sans Devanagari (SIL OFL 1.1): Nepali.
	//
	//go:embed fonts/NotoSansDevanagari-Regular.ttf
	fontDevanagari []byte
)

// Font is an embedded TrueType font.
type Font struct {
	Name string
	Data []byte
}

var (
	japanese   = Font{"ipaexg.ttf", FontJapanese}
	latin      = Font{"NotoSans-Regular.ttf", fontLatin}
	chinese    = Font{"DroidSansFallbackFull.ttf", fontChinese}
	korean     = Font{"NanumGothic.ttf", fontKorean}
	thai       = Font{"NotoSansThai-Regular.ttf", fontThai}
	devanagari = Font{"NotoSansDevanagari-Regular.ttf", fontDevanagari}
)

// Offered lists the languages the kiosk offers residents, in the order of its language buttons:
// Japanese, English, then the languages most spoken by foreign residents of Japan.
var Offered = []string{"ja", "en", "zh-hans", "zh-hant", "ko", "vi", "ne", "id", "tl", "pt", "es", "th"}

var fontOf = map[string]Font{
	"ja": japanese, "zh-hans": chinese, "zh-hant": chinese, "ko": korean, "th": thai, "ne": devanagari,
}

// FontFor is the typeface for text in lang: its script's font, Noto Sans for the Latin
// scripts. A glyph missing from it (a Japanese word in an English text) is drawn from the
// others by the UI's fallback.
func FontFor(lang string) Font {
	if f, ok := fontOf[Messages(lang).Lang()]; ok {
		return f
	}
	return latin
}

// Fonts lists every embedded typeface once, the Japanese one first.
func Fonts() []Font { return []Font{japanese, latin, chinese, korean, thai, devanagari} }
