package slip

import (
	"fmt"
	"image"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Receipt printer head widths in dots at 203 dpi (8 dots/mm): the printable width of 80 mm
// and 58 mm thermal paper.
const (
	Width80mm = 576
	Width58mm = 384
)

// RenderRaster renders the slip of r for a receipt printer widthDots wide: a 1-bit image (every
// pixel black or white) as tall as the slip needs. The printer receives this bitmap, so
// Japanese text needs no printer code page.
func RenderRaster(r Receipt, widthDots int) (*image.Gray, error) {
	if widthDots < 256 || widthDots%8 != 0 {
		return nil, fmt.Errorf("slip: receipt width %d dots: want a multiple of 8, at least 256", widthDots)
	}
	blocks, err := content(r)
	if err != nil {
		return nil, err
	}
	margin := 8
	// 24 dots (3 mm) is the classic receipt kanji size; narrow paper keeps 22 so a line still
	// holds 16 characters.
	size := math.Max(22, float64(widthDots)/24)
	o := layoutOptions{
		width:        float64(widthDots - 2*margin),
		size:         size,
		qrModule:     math.Floor(float64(widthDots) / 96),
		wholeModules: true,
		stackFields:  float64(widthDots)/size < 20,
	}
	rows, err := layout(blocks, o)
	if err != nil {
		return nil, err
	}
	top := 16
	h := top + int(math.Ceil(rowsHeight(rows))) + 2*top
	img := image.NewGray(image.Rect(0, 0, widthDots, h))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}

	faces := map[faceKey]font.Face{}
	defer func() {
		for _, f := range faces {
			f.Close()
		}
	}()
	y := float64(top)
	for _, rw := range rows {
		for _, it := range rw.items {
			if err := drawRasterItem(img, faces, it, float64(margin), y); err != nil {
				return nil, err
			}
		}
		y += rw.h
	}
	threshold(img, 160)
	return img, nil
}

// faceKey names a font at a size.
type faceKey struct {
	font int
	size float64
}

func drawRasterItem(img *image.Gray, faces map[faceKey]font.Face, it item, x0, y0 float64) error {
	x, y := x0+it.x, y0+it.y
	switch it.kind {
	case itemText:
		return drawRasterText(img, faces, it, x, y)
	case itemRect:
		fillRect(img, x, y, it.w, it.h)
	case itemLine:
		t := math.Max(1, math.Round(it.h))
		if !it.dashed {
			fillRect(img, x, y-t/2, it.w, t)
			return nil
		}
		for dx := 0.0; dx < it.w; dx += 5 * t {
			fillRect(img, x+dx, y-t/2, math.Min(3*t, it.w-dx), t)
		}
	case itemFrame:
		t := math.Max(1, math.Round(it.size))
		fillRect(img, x, y, it.w, t)
		fillRect(img, x, y+it.h-t, it.w, t)
		fillRect(img, x, y, t, it.h)
		fillRect(img, x+it.w-t, y, t, it.h)
	}
	return nil
}

// drawRasterText draws each glyph in the font it was measured in, where it was measured: the
// line breaks were made with these advances (font.Drawer would add kerning the layout does
// not know of).
func drawRasterText(img *image.Gray, faces map[faceKey]font.Face, it item, x, y float64) error {
	var err error
	it.face.runs(it.text, func(start, end, f int, em float64) {
		if err != nil {
			return
		}
		k := faceKey{f, it.size}
		face, ok := faces[k]
		if !ok {
			if face, err = rasterFace(f, it.size); err != nil {
				return
			}
			faces[k] = face
		}
		dx := x + em*it.size
		for _, r := range it.text[start:end] {
			dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(dx * 64)), Y: fixed.Int26_6(math.Round(y * 64))}
			if dr, mask, mp, _, ok := face.Glyph(dot, r); ok {
				darken(img, dr, mask, mp)
			}
			adv, _ := runeAdvance(r, f)
			dx += adv * it.size
		}
	})
	return err
}

func fillRect(img *image.Gray, x, y, w, h float64) {
	r := image.Rect(int(math.Round(x)), int(math.Round(y)), int(math.Round(x+w)), int(math.Round(y+h)))
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for i := range row {
			row[i] = 0
		}
	}
}

// darken draws black through a glyph's coverage mask (draw.DrawMask does the same through
// the generic, per-pixel colour path for a grey image: it was half of a receipt's time).
func darken(img *image.Gray, dr image.Rectangle, mask image.Image, mp image.Point) {
	a, ok := mask.(*image.Alpha)
	if !ok {
		draw.DrawMask(img, dr, image.Black, image.Point{}, mask, mp, draw.Over)
		return
	}
	clip := dr.Intersect(img.Bounds())
	mp = mp.Add(clip.Min.Sub(dr.Min))
	for y := 0; y < clip.Dy(); y++ {
		dst := img.Pix[img.PixOffset(clip.Min.X, clip.Min.Y+y):]
		src := a.Pix[a.PixOffset(mp.X, mp.Y+y):]
		for x := 0; x < clip.Dx(); x++ {
			dst[x] = uint8(uint32(dst[x]) * (0xFF - uint32(src[x])) / 0xFF)
		}
	}
}

// threshold makes img 1-bit: pixels darker than level turn black, the rest white. A level above
// the middle keeps the thin strokes of kanji that antialiasing left grey.
func threshold(img *image.Gray, level uint8) {
	for i, v := range img.Pix {
		if v < level {
			img.Pix[i] = 0
		} else {
			img.Pix[i] = 255
		}
	}
}
