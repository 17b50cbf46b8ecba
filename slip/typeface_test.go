package slip

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"

	"github.com/idbooth/idbooth/assets"
)

// measuredLines is the first lines of a slip text in lang, as the slip would set them.
func measuredLines(lang string) (*typeface, []string) {
	face := typefaceFor(lang)
	lines := wrap(face, assets.Messages(lang).T("slip.next.collect"), 10, 250)
	return face, lines[:min(3, len(lines))]
}

// Both renderers draw text where the layout measured it, font run by font run, so that the
// PDF and the receipt break lines in the same places and nothing overlaps: poppler finds the
// PDF's text ending where textWidth says (to a hundredth of a point), and the receipt's ink
// ending in the last glyph's measured box.
func TestTextIsDrawnWhereMeasured(t *testing.T) {
	wordBox := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"`)
	for _, lang := range []string{"ja", "en", "zh-hans", "zh-hant", "ko", "vi"} {
		face, lines := measuredLines(lang)
		for _, l := range lines {
			it := item{kind: itemText, x: 20, y: 30, size: 10, text: l, face: face}
			want := it.x + textWidth(face, l, it.size)

			pdf := &gopdf.GoPdf{}
			pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: 400, H: 60}, Unit: gopdf.UnitPT})
			if err := addPDFFonts(pdf, itemFonts([]item{it})); err != nil {
				t.Fatal(err)
			}
			pdf.AddPage()
			if err := drawPDFItems(pdf, []item{it}, 0, 0); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := pdf.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "line.pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			xMin, xMax := 1e9, 0.0
			for _, m := range wordBox.FindAllStringSubmatch(popplerTool(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-"), -1) {
				a, _ := strconv.ParseFloat(m[1], 64)
				b, _ := strconv.ParseFloat(m[2], 64)
				xMin, xMax = min(xMin, a), max(xMax, b)
			}
			if d := xMax - want; xMin < it.x-0.01 || d < -0.01 || d > 0.01 {
				t.Errorf("%s %q: PDF text spans %.2f–%.2f pt, measured %.2f–%.2f", lang, l, xMin, xMax, it.x, want)
			}

			it.size, it.x, it.y = 40, 10, 50
			want = it.x + textWidth(face, l, it.size)
			img := image.NewGray(image.Rect(0, 0, int(want)+60, 70))
			for i := range img.Pix {
				img.Pix[i] = 0xFF
			}
			if err := drawRasterItem(img, map[faceKey]font.Face{}, it, 0, 0); err != nil {
				t.Fatal(err)
			}
			left, right := inkColumns(img)
			_, n := utf8.DecodeLastRuneInString(l)
			lastStart := it.x + textWidth(face, l[:len(l)-n], it.size)
			if left < int(it.x)-1 || float64(right) > want+1 || float64(right) <= lastStart {
				t.Errorf("%s %q: receipt ink spans dots %d–%d, measured %.0f–%.0f", lang, l, left, right, it.x, want)
			}
		}
	}
}

// inkColumns is the first and last column of img with a dark dot.
func inkColumns(img *image.Gray) (left, right int) {
	left, right = img.Bounds().Dx(), -1
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			if img.GrayAt(x, y).Y < 128 {
				left, right = min(left, x), max(right, x)
			}
		}
	}
	return left, right
}

// Each rune is set in the first font of its language's typeface that has it, marks stay with
// their base, and a missing glyph is reported.
func TestTypefaceFallback(t *testing.T) {
	fs := mustFonts(t)
	name := func(f int) string { return fs[f].family }
	idx := func(lang string) int { return fontIndex(assets.FontFor(lang)) }
	for _, c := range []struct {
		lang, text string
		want       []int // the font of each run
	}{
		{"en", "postcard (交付通知書)", []int{idx("en"), idx("ja"), idx("en")}},
		{"zh-hans", "交付通知书 23", []int{idx("zh-hans"), idx("ja")}}, // Droid has no digits
		{"ja", "通知カード", []int{idx("ja")}},
		{"ko", "교부 통지서", []int{idx("ko")}},
		{"vi", "Việt Nam", []int{idx("vi")}},
		{"vi", "Vie\u0302\u0323t", []int{idx("vi")}}, // decomposed: the marks stay in Noto Sans
	} {
		var got []int
		typefaceFor(c.lang).runs(c.text, func(_, _, f int, _ float64) { got = append(got, f) })
		if len(got) != len(c.want) {
			t.Errorf("%s %q: runs in %v, want %v", c.lang, c.text, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s %q: run %d in %s, want %s", c.lang, c.text, i, name(got[i]), name(c.want[i]))
			}
		}
	}
	if m := missingGlyphs(japanese(), "受付\U0001F600ok"); string(m) != "\U0001F600" {
		t.Errorf("missing glyphs %q, want the emoji", string(m))
	}
}

// The fonts, their glyph table and gopdf's parsed fonts are shared by every render: slips in
// several scripts render at once without a data race (run with -race).
func TestConcurrentRendersShareTheFonts(t *testing.T) {
	var wg sync.WaitGroup
	for _, lang := range []string{"ja", "en", "zh-hans", "ko", "vi", "zh-hant"} {
		r := sampleReceipt()
		r.Lang = lang
		wg.Go(func() {
			if _, err := RenderPDF(r, PaperA6); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if _, err := RenderRaster(r, Width58mm); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
