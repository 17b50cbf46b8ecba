package slip

import (
	"image"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/idbooth/idbooth/assets"
)

// offeredWithSlip lists the offered languages whose translators have written the slip texts.
func offeredWithSlip(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, l := range assets.Offered {
		if c := assets.Messages(l); c.Lang() == l && c.Has("slip.title") {
			out = append(out, l)
		} else {
			t.Logf("%s: no slip texts yet", l)
		}
	}
	if len(out) < 2 {
		t.Fatalf("only %v have slip texts", out)
	}
	return out
}

// noSpace removes all white space: pdftotext puts line breaks where the slip wrapped.
func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

// Every offered language prints, as a PDF and as a receipt: every character of its slip has a
// glyph, the PDF's text has the title in Japanese and in the slip's language with the receipt
// number, the language's own font is embedded, and the receipt has ink on it.
func TestEveryOfferedLanguagePrints(t *testing.T) {
	ja := assets.Messages("ja")
	for _, lang := range offeredWithSlip(t) {
		t.Run(lang, func(t *testing.T) {
			r := sampleReceipt()
			r.Lang = lang
			c := assets.Messages(slipLanguage(lang))
			blocks, err := content(r)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := layout(blocks, layoutOptions{width: 300, size: 8, qrModule: 1.5})
			if err != nil {
				t.Fatal(err)
			}
			for _, rw := range rows {
				for _, it := range rw.items {
					if it.kind != itemText {
						continue
					}
					if m := missingGlyphs(it.face, it.text); len(m) > 0 {
						t.Errorf("no glyph for %q in %q", string(m), it.text)
					}
				}
			}

			path := renderPDFFile(t, r, PaperA6)
			text := noSpace(popplerTool(t, "pdftotext", "-enc", "UTF-8", path, "-"))
			for _, want := range []string{ja.T("slip.title"), c.T("slip.title"), r.Number} {
				if !strings.Contains(text, noSpace(want)) {
					t.Errorf("PDF text lacks %q:\n%s", want, text)
				}
			}
			fonts := popplerTool(t, "pdffonts", path)
			for _, f := range []assets.Font{assets.FontFor("ja"), assets.FontFor(c.Lang())} {
				family := mustFonts(t)[fontIndex(f)].family
				if !regexp.MustCompile(regexp.QuoteMeta(family) + `\s+CID TrueType\s+Identity-H\s+yes`).MatchString(fonts) {
					t.Errorf("%s not embedded:\n%s", family, fonts)
				}
			}

			for _, w := range []int{Width80mm, Width58mm} {
				img, err := RenderRaster(r, w)
				if err != nil {
					t.Fatal(err)
				}
				if ink := inkShare(img, img.Bounds()); ink < 0.02 {
					t.Errorf("%d dots: receipt is %.1f%% black: blank?", w, 100*ink)
				}
			}
		})
	}
}

func mustFonts(t *testing.T) []slipFont {
	t.Helper()
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// inkShare is the share of black dots of img within r.
func inkShare(img *image.Gray, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	black := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.GrayAt(x, y).Y < 128 {
				black++
			}
		}
	}
	return float64(black) / float64(max(1, r.Dx()*r.Dy()))
}

// unshaped reports whether r is of a script that cannot be read without OpenType shaping or
// mark positioning, which the slip does not do (see slipLanguage).
func unshaped(r rune) bool {
	return unicode.In(r, unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati, unicode.Tamil,
		unicode.Telugu, unicode.Kannada, unicode.Malayalam, unicode.Sinhala, unicode.Thai, unicode.Lao,
		unicode.Tibetan, unicode.Myanmar, unicode.Khmer, unicode.Arabic, unicode.Hebrew)
}

// A resident's language is printed on the slip exactly when its script can be set without
// shaping; Nepali and Thai residents get the Japanese and English slip instead.
func TestSlipLanguageAvoidsScriptsThatNeedShaping(t *testing.T) {
	for _, lang := range offeredWithSlip(t) {
		var needs []rune
		c := assets.Messages(lang)
		for _, key := range slipKeys(t) {
			for _, r := range c.T(key) {
				if unshaped(r) {
					needs = append(needs, r)
					break
				}
			}
		}
		got := slipLanguage(lang)
		switch {
		case len(needs) > 0 && got != "en":
			t.Errorf("%s is written with %q, which the slip cannot set, but slipLanguage gives %q", lang, string(needs), got)
		case len(needs) == 0 && got != lang:
			t.Errorf("%s needs no shaping, but slipLanguage gives %q", lang, got)
		}
	}
	for lang, want := range map[string]string{"ne": "en", "th": "en", "ja": "ja", "zh-hant": "zh-hant", "vi": "vi"} {
		if got := slipLanguage(lang); got != want {
			t.Errorf("slipLanguage(%q) = %q, want %q", lang, got, want)
		}
	}

	r := sampleReceipt()
	r.Lang = "ne"
	text := popplerTool(t, "pdftotext", "-enc", "UTF-8", renderPDFFile(t, r, PaperA6), "-")
	if strings.IndexFunc(text, unshaped) >= 0 {
		t.Errorf("the Nepali resident's slip has text the slip cannot set:\n%s", text)
	}
	assertSlipText(t, text, r)
}
