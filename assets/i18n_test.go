package assets

import "testing"

// Every key of every language must exist in Japanese, the kiosk's default, and every Japanese
// key should be translated into each other language.
func TestCatalogsComplete(t *testing.T) {
	ja := Messages("ja")
	for _, l := range Languages() {
		c := Messages(l)
		for k := range c.msgs {
			if !ja.Has(k) {
				t.Errorf("%s has %q but ja does not", l, k)
			}
		}
		for k := range ja.msgs {
			if !c.Has(k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
	if Messages("en-US").Lang() != "en" || Messages("xx").Lang() != "ja" {
		t.Fatal("language fallback")
	}
}

func TestFontIsTrueType(t *testing.T) {
	// A TrueType font starts with 0x00010000 (or 'true'); a collection ('ttcf') crashes Fyne 2.8.
	if len(FontJapanese) < 4 || string(FontJapanese[:4]) == "ttcf" ||
		!(string(FontJapanese[:4]) == "\x00\x01\x00\x00" || string(FontJapanese[:4]) == "true") {
		t.Fatalf("embedded font is not a single TrueType font: % x", FontJapanese[:4])
	}
}
