package slip

import (
	"fmt"
	"sync"

	"github.com/signintech/gopdf"
)

// gopdf parses each font it embeds; the slip's fonts are parsed once, the first time a PDF
// uses them, and each PDF takes a copy with its own subset. Parsing IPAex Gothic was a fifth
// of the time of every PDF, and Droid Sans Fallback and NanumGothic are as large.
var (
	pdfFonts     gopdf.FontContainer
	pdfFontsOnce [maxFonts]sync.Once
	pdfFontsErr  [maxFonts]error
)

// addPDFFonts registers in pdf each font of the set used (bit i: fonts[i]), under its family.
func addPDFFonts(pdf *gopdf.GoPdf, used uint8) error {
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	for i, f := range fs {
		if used&(1<<i) == 0 {
			continue
		}
		pdfFontsOnce[i].Do(func() { pdfFontsErr[i] = pdfFonts.AddTTFFontData(f.family, f.data) })
		if err := pdfFontsErr[i]; err != nil {
			return fmt.Errorf("slip: PDF font %s: %w", f.family, err)
		}
		if err := pdf.AddTTFFontFromFontContainer(f.family, &pdfFonts); err != nil {
			return fmt.Errorf("slip: PDF font %s: %w", f.family, err)
		}
	}
	return nil
}

// itemFonts is the set of fonts the text items are set in.
func itemFonts(items []item) uint8 {
	var used uint8
	for _, it := range items {
		if it.kind == itemText {
			used |= fontsUsed(it.face, it.text)
		}
	}
	return used
}

// drawPDFText sets it's text run by run, each run in its font at the place it was measured at.
func drawPDFText(pdf *gopdf.GoPdf, it item, x, y float64) error {
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	it.face.runs(it.text, func(start, end, f int, em float64) {
		if err != nil {
			return
		}
		if err = pdf.SetFont(fs[f].family, "", it.size); err != nil {
			err = fmt.Errorf("slip: PDF font: %w", err)
			return
		}
		pdf.SetXY(x+em*it.size, y)
		if err = pdf.Text(it.text[start:end]); err != nil {
			err = fmt.Errorf("slip: PDF text: %w", err)
		}
	})
	return err
}
