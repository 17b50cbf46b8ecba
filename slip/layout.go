package slip

import "math"

// The slip is described once as a list of blocks (content.go) and laid out into rows of
// positioned items for a given width and type size; the PDF and the raster renderers only draw
// those items. Units are whatever the renderer uses (points for PDF, dots for the raster).

type blockKind int

const (
	blockText    blockKind = iota // a paragraph
	blockHeading                  // a section heading, ruled below
	blockField                    // a label column and a value column
	blockQR                       // a QR code with a caption beside or below it
	blockRule                     // a horizontal line, dashed with a label for a cut line
	blockGap                      // vertical space
	blockBadge                    // a framed, centred notice (reprint)
)

// A span is a piece of text in one typeface at a size relative to the base size.
type span struct {
	text  string
	scale float64
	face  *typeface
}

type block struct {
	kind    blockKind
	spans   []span // text, heading, badge: one paragraph each; field: the value lines; QR: the caption
	labels  []span // field labels
	center  bool
	bullet  bool    // text: hanging "・" bullet
	oneLine bool    // text: shrink each span (to 80% at most) to keep it on one line
	qr      string  // QR payload
	gap     float64 // gap: ems of the base size
	dashed  bool    // rule
}

type itemKind int

const (
	itemText  itemKind = iota // text whose baseline starts at x, y
	itemRect                  // a filled rectangle, top-left x, y
	itemLine                  // a horizontal line from x, y, w long, h thick
	itemFrame                 // a rectangle outline of w×h, lines size thick
)

type item struct {
	kind       itemKind
	x, y, w, h float64
	size       float64 // text size; frame line thickness
	text       string
	face       *typeface
	dashed     bool
}

// A row is one line of the slip: the unit of pagination.
type row struct {
	h     float64
	items []item
	// keepWithNext: never end a page on this row (headings).
	keepWithNext bool
}

type layoutOptions struct {
	width float64 // content width
	size  float64 // base type size
	// qrModule is the size of one QR module; wholeModules rounds it to whole units (the
	// raster: a module must be a whole number of dots to scan reliably).
	qrModule     float64
	wholeModules bool
	// stackFields puts field labels above their values (narrow receipts).
	stackFields bool
}

const (
	lineHeight = 1.35 // line height in ems
	ascent     = 0.88 // IPAex Gothic's ascender in ems: the baseline sits this far below the em box top
)

func layout(blocks []block, o layoutOptions) ([]row, error) {
	var rows []row
	for _, b := range blocks {
		switch b.kind {
		case blockText:
			rows = append(rows, textRows(b, o)...)
		case blockHeading:
			hr := headingRows(b, o)
			t := math.Max(1, o.size*0.08)
			hr = append(hr, row{h: o.size * 0.35, items: []item{{kind: itemLine, y: o.size * 0.1, w: o.width, h: t}}})
			for i := range hr {
				hr[i].keepWithNext = true
			}
			rows = append(rows, hr...)
		case blockField:
			rows = append(rows, fieldRows(b, o)...)
		case blockQR:
			r, err := qrRow(b, o)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r...)
		case blockRule:
			rows = append(rows, ruleRow(b, o))
		case blockGap:
			rows = append(rows, row{h: b.gap * o.size})
		case blockBadge:
			rows = append(rows, badgeRows(b, o)...)
		}
	}
	return rows, nil
}

// lineRows sets each line of s in its own row, starting at x within a column of width w.
func lineRows(s span, o layoutOptions, x, w float64, center bool) []row {
	size := o.size * s.scale
	var rows []row
	for _, l := range wrap(s.face, s.text, size, w) {
		lx := x
		if center {
			lx = x + (w-textWidth(s.face, l, size))/2
		}
		rows = append(rows, row{h: size * lineHeight, items: []item{{kind: itemText, x: lx, y: size*(lineHeight-1)/2 + size*ascent, size: size, text: l, face: s.face}}})
	}
	return rows
}

// bullet hangs before the first line of a bulleted paragraph.
const bullet = "・"

func textRows(b block, o layoutOptions) []row {
	var rows []row
	for _, s := range b.spans {
		if b.oneLine {
			for min := s.scale * 0.8; s.scale > min && textWidth(s.face, s.text, o.size*s.scale) > o.width; {
				s.scale *= 0.95
			}
		}
		if !b.bullet {
			rows = append(rows, lineRows(s, o, 0, o.width, b.center)...)
			continue
		}
		size := o.size * s.scale
		indent := textWidth(japanese(), bullet, size)
		lr := lineRows(s, o, indent, o.width-indent, false)
		if len(lr) > 0 {
			first := lr[0].items[0]
			lr[0].items = append(lr[0].items, item{kind: itemText, x: 0, y: first.y, size: size, text: bullet, face: japanese()})
		}
		rows = append(rows, lr...)
	}
	return rows
}

// headingRows sets a heading's languages on one line when they fit, else one under the other.
func headingRows(b block, o layoutOptions) []row {
	gap := o.size
	w, h := -gap, 0.0
	for _, s := range b.spans {
		w += gap + textWidth(s.face, s.text, o.size*s.scale)
		h = math.Max(h, o.size*s.scale*lineHeight)
	}
	if w > o.width {
		return textRows(b, o)
	}
	// One baseline for all: that of the largest size.
	r := row{h: h}
	base := h/2 + (ascent-0.5)*(h/lineHeight)
	x := 0.0
	for _, s := range b.spans {
		size := o.size * s.scale
		r.items = append(r.items, item{kind: itemText, x: x, y: base, size: size, text: s.text, face: s.face})
		x += textWidth(s.face, s.text, size) + gap
	}
	return []row{r}
}

// fieldRows lays out a label column and a value column side by side, or stacked on narrow paper.
func fieldRows(b block, o layoutOptions) []row {
	if o.stackFields {
		var rows []row
		for _, s := range b.labels {
			rows = append(rows, lineRows(s, o, 0, o.width, false)...)
		}
		indent := o.size
		for _, s := range b.spans {
			rows = append(rows, lineRows(s, o, indent, o.width-indent, false)...)
		}
		return rows
	}
	labelW := o.width * 0.3
	gap := o.size * 0.5
	var left, right []row
	for _, s := range b.labels {
		left = append(left, lineRows(s, o, 0, labelW, false)...)
	}
	for _, s := range b.spans {
		right = append(right, lineRows(s, o, labelW+gap, o.width-labelW-gap, false)...)
	}
	return []row{sideBySide(left, right)}
}

// sideBySide merges two columns of rows into one row, each column stacked from the top.
func sideBySide(cols ...[]row) row {
	var out row
	for _, col := range cols {
		y := 0.0
		for _, r := range col {
			for _, it := range r.items {
				it.y += y
				out.items = append(out.items, it)
			}
			y += r.h
		}
		out.h = math.Max(out.h, y)
	}
	return out
}

// qrRow sets a QR code with its caption (b.spans) and its URL (b.qr, small, so it can be
// typed): the caption beside the code when there is room for a comfortable column, else the
// caption above and the URL below the centred code.
func qrRow(b block, o layoutOptions) ([]row, error) {
	m, err := qrMatrix(b.qr)
	if err != nil {
		return nil, err
	}
	mod := o.qrModule
	if o.wholeModules {
		mod = math.Max(1, math.Round(mod))
	}
	quiet := qrQuietZone * mod
	side := float64(len(m))*mod + 2*quiet
	url := span{text: b.qr, scale: 0.75, face: japanese()}

	if captionW := o.width - side; captionW >= 20*o.size {
		var caption []row
		for _, s := range append(b.spans, url) {
			caption = append(caption, lineRows(s, o, side, captionW, false)...)
		}
		// Centre the caption vertically against the code.
		c := sideBySide(caption)
		shift := math.Max(0, (side-c.h)/2)
		for i := range c.items {
			c.items[i].y += shift
		}
		code := row{h: math.Max(side, c.h), items: qrItems(m, mod, quiet, quiet)}
		code.items = append(code.items, c.items...)
		return []row{code}, nil
	}
	var rows []row
	for _, s := range b.spans {
		rows = append(rows, lineRows(s, o, 0, o.width, false)...)
	}
	rows = append(rows, row{h: side, items: qrItems(m, mod, (o.width-side)/2+quiet, quiet)})
	rows = append(rows, lineRows(url, o, 0, o.width, true)...)
	// Caption, code and URL stay on one page.
	for i := 0; i < len(rows)-1; i++ {
		rows[i].keepWithNext = true
	}
	return rows, nil
}

// qrItems draws the dark modules as one rectangle per horizontal run.
func qrItems(m [][]bool, mod, x0, y0 float64) []item {
	var items []item
	for y, line := range m {
		for x := 0; x < len(line); {
			if !line[x] {
				x++
				continue
			}
			start := x
			for x < len(line) && line[x] {
				x++
			}
			items = append(items, item{kind: itemRect, x: x0 + float64(start)*mod, y: y0 + float64(y)*mod, w: float64(x-start) * mod, h: mod})
		}
	}
	return items
}

func ruleRow(b block, o layoutOptions) row {
	t := math.Max(1, o.size*0.06)
	r := row{h: o.size * lineHeight}
	mid := r.h / 2
	if len(b.spans) == 0 {
		r.items = []item{{kind: itemLine, y: mid, w: o.width, h: t, dashed: b.dashed}}
		return r
	}
	// A label in the middle of the line: "----- 切り取り線 -----".
	s := b.spans[0]
	size := o.size * s.scale
	tw := textWidth(s.face, s.text, size)
	pad := o.size * 0.5
	side := (o.width - tw) / 2
	r.items = []item{
		{kind: itemLine, y: mid, w: side - pad, h: t, dashed: b.dashed},
		{kind: itemText, x: side, y: mid + size*0.35, size: size, text: s.text, face: s.face},
		{kind: itemLine, x: side + tw + pad, y: mid, w: side - pad, h: t, dashed: b.dashed},
	}
	return r
}

func badgeRows(b block, o layoutOptions) []row {
	pad := o.size * 0.3
	inner := sideBySide(func() []row {
		var rows []row
		for _, s := range b.spans {
			rows = append(rows, lineRows(s, o, pad, o.width-2*pad, true)...)
		}
		return rows
	}())
	w := 0.0
	for _, it := range inner.items {
		w = math.Max(w, textWidth(it.face, it.text, it.size))
	}
	w += 4 * pad
	t := math.Max(1, o.size*0.08)
	frame := item{kind: itemFrame, x: (o.width - w) / 2, y: 0, w: w, h: inner.h + 2*pad, size: t}
	for i := range inner.items {
		inner.items[i].y += pad
	}
	return []row{{h: inner.h + 2*pad, items: append([]item{frame}, inner.items...)}}
}

// paginate fills pages of height pageH with rows; a row taller than a page gets a page of its own.
func paginate(rows []row, pageH float64) [][]row {
	var pages [][]row
	var cur []row
	y := 0.0
	for i := 0; i < len(rows); i++ {
		// A heading moves to the next page together with the row that follows it.
		j := i
		h := rows[i].h
		for j+1 < len(rows) && rows[j].keepWithNext {
			j++
			h += rows[j].h
		}
		if y+h > pageH && len(cur) > 0 {
			pages = append(pages, cur)
			cur, y = nil, 0
		}
		cur = append(cur, rows[i:j+1]...)
		y += h
		i = j
	}
	if len(cur) > 0 {
		pages = append(pages, cur)
	}
	return pages
}

func rowsHeight(rows []row) float64 {
	h := 0.0
	for _, r := range rows {
		h += r.h
	}
	return h
}
