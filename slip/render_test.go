package slip

import (
	"bytes"
	"errors"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/internal/testsupport"
)

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("QR code on the slip does not decode: %v", err)
	}
	return res.GetText()
}

func TestRasterIsOneBitAndItsQRLeadsToTheStatusPage(t *testing.T) {
	r := sampleReceipt()
	r.StatusURL = "https://status.example.jp/check"
	for _, w := range []int{Width80mm, Width58mm} {
		img, err := RenderRaster(r, w)
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() != w || img.Bounds().Dy() < 1000 {
			t.Fatalf("raster %v for %d dots", img.Bounds(), w)
		}
		for _, v := range img.Pix {
			if v != 0 && v != 255 {
				t.Fatalf("%d dots: raster has grey %d, want 1-bit", w, v)
			}
		}
		if got := decodeQR(t, img); got != r.StatusURL {
			t.Fatalf("%d dots: QR says %q, want %q", w, got, r.StatusURL)
		}
	}
}

// renderPDFFile renders r and writes it to a temporary file.
func renderPDFFile(t *testing.T, r Receipt, p Paper) string {
	t.Helper()
	pdf, err := RenderPDF(r, p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "slip.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func popplerTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		testsupport.Missing(t, "%s (poppler-utils): %v", name, err)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	return string(out)
}

func TestPDFEmbedsTheJapaneseFontOnOnePage(t *testing.T) {
	for _, c := range []struct {
		paper Paper
		lang  string
		size  string
	}{
		{PaperA6, "en", "297.64 x 419.53 pts"},
		{PaperA6, "ja", "297.64 x 419.53 pts"},
		{PaperA4, "en", "595.28 x 841.89 pts (A4)"},
	} {
		r := sampleReceipt()
		r.Lang = c.lang
		path := renderPDFFile(t, r, c.paper)
		fonts := popplerTool(t, "pdffonts", path)
		if !regexp.MustCompile(`IPAexGothic\s+CID TrueType\s+Identity-H\s+yes`).MatchString(fonts) {
			t.Errorf("%s/%s: IPAex Gothic not embedded:\n%s", c.paper, c.lang, fonts)
		}
		info := popplerTool(t, "pdfinfo", path)
		if !strings.Contains(info, "Pages:           1\n") || !strings.Contains(info, c.size) {
			t.Errorf("%s/%s: want one page of %s:\n%s", c.paper, c.lang, c.size, info)
		}
		text := popplerTool(t, "pdftotext", "-enc", "UTF-8", path, "-")
		assertSlipTextLang(t, text, r)
		if c.paper == PaperA4 && !strings.Contains(text, "切り取り線") {
			t.Errorf("A4 slip has no cut line")
		}
		if fi, _ := os.Stat(path); fi.Size() > 200<<10 {
			t.Errorf("%s/%s: %d bytes: is the font subset?", c.paper, c.lang, fi.Size())
		}
	}
}

func assertSlipTextLang(t *testing.T, text string, r Receipt) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	if r.Lang == "en" {
		assertSlipText(t, text, r)
		return
	}
	for _, want := range []string{r.Number, r.MaskedFormID(), "個人番号カード交付申請 受付控", "今後の流れ"} {
		if !strings.Contains(flat, want) {
			t.Errorf("slip lacks %q", want)
		}
	}
	if strings.Contains(flat, "Individual Number Card application") {
		t.Errorf("a Japanese resident's slip has English text")
	}
}

// The QR code of the PDF, as printed (rasterised by poppler at 200 dpi), leads to the status page.
func TestPDFQRCodeDecodesWhenRasterised(t *testing.T) {
	r := sampleReceipt()
	path := renderPDFFile(t, r, PaperA6)
	popplerTool(t, "pdftoppm", "-r", "200", "-png", "-singlefile", path, strings.TrimSuffix(path, ".pdf"))
	data, err := os.ReadFile(strings.TrimSuffix(path, ".pdf") + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeQR(t, img); got != DefaultStatusURL {
		t.Fatalf("QR says %q", got)
	}
}

func TestMailedCardSlipHasTheDeliveryNoteInstead(t *testing.T) {
	r := sampleReceipt()
	r.Channel, r.CardMailed = booth.ChannelCounter, true
	text := popplerTool(t, "pdftotext", "-enc", "UTF-8", renderPDFFile(t, r, PaperA6), "-")
	flat := strings.Join(strings.Fields(text), "")
	ja, en := assets.Messages("ja"), assets.Messages("en")
	for _, want := range []string{ja.T("slip.next.mailed"), en.T("slip.next.mailed"), ja.T("slip.channel.counter")} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
			t.Errorf("mailed slip lacks %q", want)
		}
	}
	for _, absent := range []string{ja.T("slip.bring.heading"), ja.T("slip.next.collect")[:30]} {
		if strings.Contains(flat, absent) {
			t.Errorf("mailed slip has %q", absent)
		}
	}
}

func TestReceiptValidation(t *testing.T) {
	ok := sampleReceipt()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Receipt){
		"whole form ID":       func(r *Receipt) { r.FormIDLast4 = "12345678901234567890123" },
		"masked form ID":      func(r *Receipt) { r.FormIDLast4 = "*******************1234" },
		"three digits":        func(r *Receipt) { r.FormIDLast4 = "123" },
		"no receipt number":   func(r *Receipt) { r.Number = " " },
		"no time":             func(r *Receipt) { r.CreatedAt = time.Time{} },
		"unknown channel":     func(r *Receipt) { r.Channel = "kiosk" },
		"mailed from a booth": func(r *Receipt) { r.CardMailed = true },
	} {
		r := sampleReceipt()
		mutate(&r)
		err := r.Validate()
		if !errors.Is(err, ErrInvalidReceipt) {
			t.Errorf("%s: err = %v, want ErrInvalidReceipt", name, err)
			continue
		}
		if _, err := RenderPDF(r, PaperA6); !errors.Is(err, ErrInvalidReceipt) {
			t.Errorf("%s: RenderPDF err = %v", name, err)
		}
		if msg := assets.Messages("ja").Error(err); msg != assets.Messages("ja").T("slip.error.invalid") {
			t.Errorf("%s: resident's message %q", name, msg)
		}
	}
	if got := ok.MaskedFormID(); got != "***-****-****-****-****-4821" || strings.Count(got, "*")+4 != booth.FormIDLength {
		t.Errorf("masked ID %q", got)
	}
}

// Every text of the slip, in every language, can be drawn with the embedded font.
func TestSlipTextsHaveGlyphs(t *testing.T) {
	for _, lang := range assets.Languages() {
		c := assets.Messages(lang)
		for _, key := range slipKeys(t) {
			if m := missingGlyphs(typefaceFor(lang), c.T(key)); len(m) > 0 {
				t.Errorf("%s %s: no glyph for %q", lang, key, string(m))
			}
		}
	}
}

func slipKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for _, k := range []string{"slip.title", "slip.next.collect", "slip.next.mailed", "slip.next.status", "slip.bring.heading",
		"slip.bring.postcard", "slip.bring.notification", "slip.bring.identity", "slip.bring.old_cards", "slip.bring.busy",
		"slip.pin.heading", "slip.pin.signature", "slip.pin.others", "slip.pin.avoid", "slip.keep", "slip.cut_here",
		"slip.field.number", "slip.field.date", "slip.field.place", "slip.field.form_id", "slip.form_id_note",
		"slip.weekdays", "slip.months", "slip.error.paper_out", "slip.error.print_failed"} {
		if !assets.Messages("ja").Has(k) {
			t.Fatalf("ja lacks %s", k)
		}
		keys = append(keys, k)
	}
	return keys
}

// Line breaking: every line fits, no line starts with closing punctuation or ends with an
// opening bracket, Latin words stay whole, and nothing is lost.
func TestWrapKeepsJapaneseAndLatinRules(t *testing.T) {
	for _, lang := range assets.Languages() {
		c, face := assets.Messages(lang), typefaceFor(lang)
		for _, key := range slipKeys(t) {
			text := c.T(key)
			for _, width := range []float64{90, 150, 260, 400} {
				lines := wrap(face, text, 10, width)
				for i, l := range lines {
					if w := textWidth(face, l, 10); w > width+0.01 && utf8.RuneCountInString(l) > 1 && !strings.ContainsRune(l, ' ') {
						// Only an unbreakable piece may overflow, and it is split by characters.
						t.Errorf("%s %s @%v: line %q is %.1f wide", lang, key, width, l, w)
					}
					if i > 0 {
						first, _ := utf8.DecodeRuneInString(l)
						if strings.ContainsRune("、。」）", first) {
							t.Errorf("%s %s @%v: line %d starts with %q", lang, key, width, i, first)
						}
						prev := lines[i-1]
						last, _ := utf8.DecodeLastRuneInString(prev)
						if strings.ContainsRune("「（", last) {
							t.Errorf("%s %s @%v: line %d ends with %q", lang, key, width, i-1, last)
						}
					}
				}
				if got, want := strings.ReplaceAll(strings.Join(lines, ""), " ", ""), strings.ReplaceAll(text, " ", ""); got != want {
					t.Errorf("%s %s @%v: text changed:\n%q\n%q", lang, key, width, got, want)
				}
			}
		}
	}
	in := "two from list B (health insurance card, pension book, ...)"
	for _, width := range []float64{60, 100} {
		got := wrap(typefaceFor("en"), in, 10, width)
		if len(got) < 2 || strings.Join(got, " ") != in {
			t.Errorf("@%v: Latin words split or lost: %q", width, got)
		}
	}
}
