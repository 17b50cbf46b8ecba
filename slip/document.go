package slip

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/signintech/gopdf"
)

// Document is a plain office document on A4, set in the slip's embedded fonts with the slip's
// line breaking: headings, paragraphs and tables of short cells (the counter's day report).
type Document struct {
	Title   string
	Lang    string // the language its texts are in: picks the typeface
	Created time.Time
	Parts   []Part
}

// Part is one section: a heading, paragraphs, a table; each optional.
type Part struct {
	Heading string
	Text    []string
	Table   *Table
}

// Table is a table with a header row. Numeric columns are set flush right.
type Table struct {
	Header  []string
	Rows    [][]string
	Numeric []bool // per column
}

// RenderDocumentPDF renders d on A4 pages with the fonts it uses embedded (subset).
func RenderDocumentPDF(d Document) ([]byte, error) {
	g := PaperA4.geometry()
	face := typefaceFor(d.Lang)
	o := layoutOptions{width: g.w - 2*g.margin, size: 10}
	blocks := []block{{kind: blockHeading, spans: []span{{text: d.Title, scale: 1.5, face: face}}}}
	var rows []row
	add := func(bs ...block) error {
		r, err := layout(bs, o)
		rows = append(rows, r...)
		return err
	}
	if err := add(blocks...); err != nil {
		return nil, err
	}
	for _, p := range d.Parts {
		var bs []block
		if p.Heading != "" {
			bs = append(bs, block{kind: blockGap, gap: 0.8}, block{kind: blockHeading, spans: []span{{text: p.Heading, scale: 1.15, face: face}}})
		}
		for _, t := range p.Text {
			bs = append(bs, block{kind: blockText, spans: []span{{text: t, scale: 1, face: face}}})
		}
		if err := add(bs...); err != nil {
			return nil, err
		}
		if p.Table != nil {
			rows = append(rows, tableRows(*p.Table, face, o)...)
		}
	}
	pages := paginate(rows, g.h-2*g.margin)

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: g.w, H: g.h}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: d.Title, Creator: "idbooth", CreationDate: d.Created})
	if err := addPDFFonts(pdf, rowFonts(rows)); err != nil {
		return nil, err
	}
	for _, page := range pages {
		pdf.AddPage()
		if _, err := drawRows(pdf, page, g.margin, g.margin); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("slip: write PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// rowFonts is the set of fonts the rows' text is set in.
func rowFonts(rows []row) uint8 {
	var used uint8
	for _, rw := range rows {
		used |= itemFonts(rw.items)
	}
	return used
}

// drawRows draws rows one under the other from (x, y) and returns the y under the last.
func drawRows(pdf *gopdf.GoPdf, rows []row, x, y float64) (float64, error) {
	for _, rw := range rows {
		if err := drawPDFItems(pdf, rw.items, x, y); err != nil {
			return y, err
		}
		y += rw.h
	}
	return y, nil
}

// tableRows lays a table out: columns as wide as their widest cell (header cells wrap when the
// columns would not fit), a rule under the header and under the last row.
func tableRows(t Table, face *typeface, o layoutOptions) []row {
	cols := len(t.Header)
	pad := o.size * 0.8
	widths := make([]float64, cols)
	for _, r := range t.Rows {
		for c := 0; c < cols && c < len(r); c++ {
			widths[c] = math.Max(widths[c], textWidth(face, r[c], o.size))
		}
	}
	// Header cells take their natural width while the table fits, the rest is shared out.
	total := 0.0
	for c := range widths {
		widths[c] = math.Max(widths[c], math.Min(textWidth(face, t.Header[c], o.size), o.width/float64(cols)-pad))
		total += widths[c] + pad
	}
	if spare := o.width - total; spare > 0 {
		for c := range widths {
			if w := textWidth(face, t.Header[c], o.size); w > widths[c] {
				grow := math.Min(w-widths[c], spare)
				widths[c] += grow
				spare -= grow
			}
		}
	}
	x := make([]float64, cols)
	for c := 1; c < cols; c++ {
		x[c] = x[c-1] + widths[c-1] + pad
	}
	line := func(cells []string, header bool) row {
		var lines [][]string
		n := 1
		for c := 0; c < cols; c++ {
			cell := ""
			if c < len(cells) {
				cell = cells[c]
			}
			l := []string{cell}
			if header {
				l = wrap(face, cell, o.size, widths[c])
			}
			lines = append(lines, l)
			n = max(n, len(l))
		}
		r := row{h: float64(n) * o.size * lineHeight}
		for c, l := range lines {
			for i, s := range l {
				cx := x[c]
				if c < len(t.Numeric) && t.Numeric[c] {
					cx += widths[c] - textWidth(face, s, o.size)
				}
				y := float64(i)*o.size*lineHeight + o.size*(lineHeight-1)/2 + o.size*ascent
				r.items = append(r.items, item{kind: itemText, x: cx, y: y, size: o.size, text: s, face: face})
			}
		}
		return r
	}
	width := x[cols-1] + widths[cols-1]
	rule := row{h: o.size * 0.4, items: []item{{kind: itemLine, y: o.size * 0.2, w: width, h: math.Max(0.5, o.size*0.06)}}}
	headRule := rule
	headRule.keepWithNext = true
	head := line(t.Header, true)
	head.keepWithNext = true
	rows := []row{head, headRule}
	for _, r := range t.Rows {
		rows = append(rows, line(r, false))
	}
	return append(rows, rule)
}
