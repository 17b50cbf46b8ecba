package slip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/signintech/gopdf"
	xdraw "golang.org/x/image/draw"
)

// The ID-photo print sheet booths sell: the approved 35×45 mm photo four times (2×2) on
// L-size photo paper (89×127 mm) at 300 dpi, with cut marks in the margins on every cut line.
const (
	SheetDPI    = 300
	SheetWidth  = 1051 // 89 mm at 300 dpi
	SheetHeight = 1500 // 127 mm
	PhotoWidth  = 413  // 35 mm
	PhotoHeight = 531  // 45 mm

	// PhotoSheetMedia is the IPP name of L-size (3.5×5 in) photo paper.
	PhotoSheetMedia = "oe_photo-l_3.5x5in"

	sheetGutter  = 35 // 3 mm between photos: room for two cuts
	sheetMarkLen = 47 // 4 mm cut marks
	sheetMarkGap = 12 // 1 mm between a mark and the photo's edge line
)

// ErrPhotoUnfit is returned for a photo that is not a 35:45 ID photo of print resolution.
var ErrPhotoUnfit = errors.New("slip: photo unfit for the print sheet")

// photoCells are the top-left corners of the four photos: centred across, margins above equal
// to those beside, leaving the bottom for the caption.
func photoCells() []image.Point {
	side := (SheetWidth - 2*PhotoWidth - sheetGutter) / 2
	x := []int{side, side + PhotoWidth + sheetGutter}
	y := []int{side, side + PhotoHeight + sheetGutter}
	return []image.Point{{x[0], y[0]}, {x[1], y[0]}, {x[0], y[1]}, {x[1], y[1]}}
}

// RenderPhotoSheet lays the photo out on the sheet. The photo must have the 35:45 aspect
// (within 2%) and at least the 413×531 pixels of 300 dpi: an upscaled photo prints blurred.
func RenderPhotoSheet(photo image.Image) (*image.RGBA, error) {
	b := photo.Bounds()
	if b.Dx() < PhotoWidth || b.Dy() < PhotoHeight {
		return nil, fmt.Errorf("%w: %d×%d pixels, want at least %d×%d", ErrPhotoUnfit, b.Dx(), b.Dy(), PhotoWidth, PhotoHeight)
	}
	if aspect := float64(b.Dx()) / float64(b.Dy()); math.Abs(aspect/(35.0/45.0)-1) > 0.02 {
		return nil, fmt.Errorf("%w: aspect %.3f, want 35:45 (%.3f)", ErrPhotoUnfit, aspect, 35.0/45.0)
	}
	sheet := image.NewRGBA(image.Rect(0, 0, SheetWidth, SheetHeight))
	xdraw.Draw(sheet, sheet.Bounds(), image.White, image.Point{}, xdraw.Src)
	scaled := image.NewRGBA(image.Rect(0, 0, PhotoWidth, PhotoHeight))
	xdraw.CatmullRom.Scale(scaled, scaled.Bounds(), photo, b, xdraw.Src, nil)
	cells := photoCells()
	for _, c := range cells {
		xdraw.Draw(sheet, scaled.Bounds().Add(c), scaled, image.Point{}, xdraw.Src)
	}
	drawCutMarks(sheet, cells)
	return sheet, nil
}

// drawCutMarks marks every cut line, vertical and horizontal, in the sheet's outer margins:
// marks between the photos would be cut into the neighbouring photo's white border.
func drawCutMarks(sheet *image.RGBA, cells []image.Point) {
	mark := image.NewUniform(color.Black)
	first, last := cells[0], cells[len(cells)-1]
	top, bottom := first.Y, last.Y+PhotoHeight
	left, right := first.X, last.X+PhotoWidth
	for _, x := range []int{first.X, first.X + PhotoWidth, last.X, last.X + PhotoWidth} {
		xdraw.Draw(sheet, image.Rect(x-1, top-sheetMarkGap-sheetMarkLen, x+1, top-sheetMarkGap), mark, image.Point{}, xdraw.Src)
		xdraw.Draw(sheet, image.Rect(x-1, bottom+sheetMarkGap, x+1, bottom+sheetMarkGap+sheetMarkLen), mark, image.Point{}, xdraw.Src)
	}
	for _, y := range []int{first.Y, first.Y + PhotoHeight, last.Y, last.Y + PhotoHeight} {
		xdraw.Draw(sheet, image.Rect(left-sheetMarkGap-sheetMarkLen, y-1, left-sheetMarkGap, y+1), mark, image.Point{}, xdraw.Src)
		xdraw.Draw(sheet, image.Rect(right+sheetMarkGap, y-1, right+sheetMarkGap+sheetMarkLen, y+1), mark, image.Point{}, xdraw.Src)
	}
}

// PhotoSheetPDF renders the sheet as one L-size PDF page: the 300 dpi bitmap at its exact
// size (so no printer scaling), with a caption under the photos.
func PhotoSheetPDF(photo image.Image) ([]byte, error) {
	sheet, err := RenderPhotoSheet(photo)
	if err != nil {
		return nil, err
	}
	var img bytes.Buffer
	if err := png.Encode(&img, sheet); err != nil {
		return nil, fmt.Errorf("slip: encode photo sheet: %w", err)
	}
	holder, err := gopdf.ImageHolderByBytes(img.Bytes())
	if err != nil {
		return nil, fmt.Errorf("slip: photo sheet image: %w", err)
	}
	w, h := 89*mm, 127*mm
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: w, H: h}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: "ID photo 35×45 mm", Creator: "idbooth"})
	caption := "証明写真 35×45mm / ID photo"
	size := 7.0
	last := photoCells()[3]
	y := float64(last.Y+PhotoHeight+sheetMarkGap+sheetMarkLen)*72/SheetDPI + 4*mm
	items := []item{{kind: itemText, x: (w - textWidth(japanese(), caption, size)) / 2, y: y, size: size, text: caption, face: japanese()}}
	if err := addPDFFonts(pdf, itemFonts(items)); err != nil {
		return nil, err
	}
	pdf.AddPage()
	if err := pdf.ImageByHolder(holder, 0, 0, &gopdf.Rect{W: w, H: h}); err != nil {
		return nil, fmt.Errorf("slip: photo sheet image: %w", err)
	}
	if err := drawPDFItems(pdf, items, 0, 0); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("slip: write photo sheet PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// A PhotoSheetPrinter also prints the ID-photo sheet: CUPS queues and PDF files do.
type PhotoSheetPrinter interface {
	PrintPhotoSheet(ctx context.Context, photo image.Image) error
}

// PrintPhotoSheet prints the photo sheet on the CUPS queue, on PhotoMedia (PhotoSheetMedia
// when empty). Booths enable this as an option; it never concerns the application itself.
func (c *CUPS) PrintPhotoSheet(ctx context.Context, photo image.Image) error {
	pdf, err := PhotoSheetPDF(photo)
	if err != nil {
		return err
	}
	media := c.PhotoMedia
	if media == "" {
		media = PhotoSheetMedia
	}
	return c.PrintPDF(ctx, "ID photo sheet", pdf, media)
}

// PrintPhotoSheet writes the photo sheet PDF.
func (p *PDFFile) PrintPhotoSheet(ctx context.Context, photo image.Image) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	pdf, err := PhotoSheetPDF(photo)
	if err != nil {
		return err
	}
	return writeFileAtomic(p.Path, pdf)
}
