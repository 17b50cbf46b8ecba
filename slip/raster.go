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
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	faces := map[float64]font.Face{}
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

func drawRasterItem(img *image.Gray, faces map[float64]font.Face, it item, x0, y0 float64) error {
	x, y := x0+it.x, y0+it.y
	switch it.kind {
	case itemText:
		face, ok := faces[it.size]
		if !ok {
			f, err := rasterFace(it.size)
			if err != nil {
				return err
			}
			faces[it.size], face = f, f
		}
		d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}}
		d.DrawString(it.text)
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

func fillRect(img *image.Gray, x, y, w, h float64) {
	r := image.Rect(int(math.Round(x)), int(math.Round(y)), int(math.Round(x+w)), int(math.Round(y+h)))
	draw.Draw(img, r.Intersect(img.Bounds()), image.Black, image.Point{}, draw.Src)
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
