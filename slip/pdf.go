package slip

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/idbooth/idbooth/assets"
)

// Paper is the page a PDF slip is laid out on.
type Paper string

const (
	// PaperA6 is the slip alone on an A6 page (105×148 mm).
	PaperA6 Paper = "a6"
	// PaperA4 is the slip at the top of an A4 page, above a cut line.
	PaperA4 Paper = "a4"
)

// ParsePaper accepts "a6" or "a4" in any case.
func ParsePaper(s string) (Paper, error) {
	switch p := Paper(strings.ToLower(s)); p {
	case PaperA6, PaperA4:
		return p, nil
	}
	return "", fmt.Errorf("slip: unknown paper %q (want a6 or a4)", s)
}

func (p Paper) orDefault() Paper {
	if p == "" {
		return PaperA6
	}
	return p
}

// Media is the IPP media name CUPS is asked for.
func (p Paper) Media() string {
	if p == PaperA4 {
		return "iso_a4_210x297mm"
	}
	return "iso_a6_105x148mm"
}

const mm = 72 / 25.4 // points per millimetre

type pageGeometry struct {
	w, h     float64 // page size
	margin   float64
	size     float64 // preferred base type size
	minSize  float64 // smallest base size before the slip takes a second page
	qrModule float64
	// cutLine: the slip fills only the top of the page; a dashed line under it shows where to cut.
	cutLine bool
}

func (p Paper) geometry() pageGeometry {
	if p == PaperA4 {
		return pageGeometry{w: 210 * mm, h: 297 * mm, margin: 12 * mm, size: 9.5, minSize: 7.5, qrModule: 0.6 * mm, cutLine: true}
	}
	return pageGeometry{w: 105 * mm, h: 148 * mm, margin: 5 * mm, size: 8, minSize: 6.5, qrModule: 0.5 * mm}
}

// fitRows lays blocks out at the largest base size from 125% of size down to minSize (in 5%
// steps) whose rows fit height: a Japanese-only slip gets larger type than a bilingual one. At
// minSize the rows are returned even if they do not fit. Smaller type never makes the slip
// taller, so the steps are searched by halving.
func fitRows(blocks []block, o layoutOptions, minSize, height float64) ([]row, error) {
	var sizes []float64 // descending
	for scale := 1.25; o.size*scale > minSize; scale -= 0.05 {
		sizes = append(sizes, o.size*scale)
	}
	sizes = append(sizes, minSize)
	at := func(i int) ([]row, error) {
		lo := o
		lo.size = sizes[i]
		return layout(blocks, lo)
	}
	// Find the first (largest) size that fits; the last one is taken regardless.
	lo, hi := 0, len(sizes)-1
	for lo < hi {
		mid := (lo + hi) / 2
		rows, err := at(mid)
		if err != nil {
			return nil, err
		}
		if rowsHeight(rows) <= height {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return at(lo)
}

// RenderPDF renders the slip of r as a PDF with the fonts it uses embedded (subset).
func RenderPDF(r Receipt, paper Paper) ([]byte, error) {
	blocks, err := content(r)
	if err != nil {
		return nil, err
	}
	g := paper.geometry()
	o := layoutOptions{width: g.w - 2*g.margin, size: g.size, qrModule: g.qrModule}
	avail := g.h - 2*g.margin
	rows, err := fitRows(blocks, o, g.minSize, avail)
	if err != nil {
		return nil, err
	}
	pages := paginate(rows, avail)

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: g.w, H: g.h}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: assets.Messages("ja").T("slip.title"), Creator: "idbooth", CreationDate: r.CreatedAt})
	// The cut line is laid out first so that its font is registered with the others.
	var cut row
	if g.cutLine {
		cut = ruleRow(block{dashed: true, spans: []span{{text: assets.Messages("ja").T("slip.cut_here"), scale: 0.8, face: japanese()}}}, o)
	}
	if err := addPDFFonts(pdf, itemFonts(cut.items)|rowFonts(rows)); err != nil {
		return nil, err
	}
	for i, page := range pages {
		pdf.AddPage()
		y, err := drawRows(pdf, page, g.margin, g.margin)
		if err != nil {
			return nil, err
		}
		if g.cutLine && i == len(pages)-1 && y+cut.h <= g.h-g.margin/2 {
			if err := drawPDFItems(pdf, cut.items, g.margin, y); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("slip: write PDF: %w", err)
	}
	return buf.Bytes(), nil
}

func drawPDFItems(pdf *gopdf.GoPdf, items []item, x0, y0 float64) error {
	pdf.SetFillColor(0, 0, 0)
	pdf.SetStrokeColor(0, 0, 0)
	for _, it := range items {
		x, y := x0+it.x, y0+it.y
		switch it.kind {
		case itemText:
			if err := drawPDFText(pdf, it, x, y); err != nil {
				return err
			}
		case itemRect:
			pdf.RectFromUpperLeftWithStyle(x, y, it.w, it.h, "F")
		case itemLine:
			pdf.SetLineWidth(it.h)
			if it.dashed {
				pdf.SetCustomLineType([]float64{3 * it.h, 2 * it.h}, 0)
			} else {
				pdf.SetLineType("solid")
			}
			pdf.Line(x, y, x+it.w, y)
		case itemFrame:
			pdf.SetLineWidth(it.size)
			pdf.SetLineType("solid")
			pdf.RectFromUpperLeftWithStyle(x, y, it.w, it.h, "D")
		}
	}
	return nil
}
