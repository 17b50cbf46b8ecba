package slip

import (
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/slip/cupstest"
)

// testPhoto is a 35:45 image with four flat quadrants, so each printed copy can be checked.
func testPhoto(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	quad := []color.RGBA{{200, 30, 30, 255}, {30, 160, 40, 255}, {30, 60, 200, 255}, {220, 200, 40, 255}}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			q := 0
			if x >= w/2 {
				q++
			}
			if y >= h/2 {
				q += 2
			}
			img.SetRGBA(x, y, quad[q])
		}
	}
	return img
}

func TestPhotoSheetLaysOutFourPhotosWithCutMarks(t *testing.T) {
	photo := testPhoto(826, 1062) // the 600 dpi size
	sheet, err := RenderPhotoSheet(photo)
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Bounds() != image.Rect(0, 0, SheetWidth, SheetHeight) {
		t.Fatalf("sheet %v", sheet.Bounds())
	}
	cells := photoCells()
	for i, c := range cells {
		// The centre of each quadrant of each copy has the photo's colour there.
		for q, off := range []image.Point{{PhotoWidth / 4, PhotoHeight / 4}, {3 * PhotoWidth / 4, PhotoHeight / 4}, {PhotoWidth / 4, 3 * PhotoHeight / 4}, {3 * PhotoWidth / 4, 3 * PhotoHeight / 4}} {
			got := sheet.RGBAAt(c.X+off.X, c.Y+off.Y)
			want := photo.RGBAAt(off.X*826/PhotoWidth, off.Y*1062/PhotoHeight)
			if got != want {
				t.Errorf("copy %d quadrant %d: %v, want %v", i, q, got, want)
			}
		}
		// The copy is exactly 35×45 mm: the pixel just outside each edge is white paper.
		for _, p := range []image.Point{{c.X - 1, c.Y + 10}, {c.X + PhotoWidth, c.Y + 10}, {c.X + 10, c.Y - 1}, {c.X + 10, c.Y + PhotoHeight}} {
			if sheet.RGBAAt(p.X, p.Y) != (color.RGBA{255, 255, 255, 255}) {
				t.Errorf("copy %d: photo spills to %v", i, p)
			}
		}
	}
	// Cut marks: black on each vertical cut line in the top margin, none elsewhere on that row.
	y := cells[0].Y - sheetMarkGap - sheetMarkLen/2
	var marks []int
	for x := 0; x < SheetWidth; x++ {
		if c := sheet.RGBAAt(x, y); c.R < 128 && (x == 0 || sheet.RGBAAt(x-1, y).R >= 128) {
			marks = append(marks, x)
		}
	}
	want := []int{cells[0].X - 1, cells[0].X + PhotoWidth - 1, cells[1].X - 1, cells[1].X + PhotoWidth - 1}
	if len(marks) != 4 || marks[0] != want[0] || marks[1] != want[1] || marks[2] != want[2] || marks[3] != want[3] {
		t.Errorf("cut marks in the top margin at %v, want %v", marks, want)
	}
}

func TestPhotoSheetRefusesUnfitPhotos(t *testing.T) {
	for name, img := range map[string]image.Image{
		"too small":   testPhoto(350, 450),
		"not 35:45":   testPhoto(600, 600),
		"passport 35": testPhoto(413, 413),
	} {
		if _, err := RenderPhotoSheet(img); !errors.Is(err, ErrPhotoUnfit) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestPhotoSheetPDFIsL300dpi(t *testing.T) {
	pdf, err := PhotoSheetPDF(testPhoto(413, 531))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sheet.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if info := popplerTool(t, "pdfinfo", path); !strings.Contains(info, "Page size:       252.28 x 360 pts") {
		t.Errorf("not an L-size page:\n%s", info)
	}
	// pdfimages -list: one 1051×1500 image at 300 ppi.
	list := popplerTool(t, "pdfimages", "-list", path)
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one image:\n%s", list)
	}
	f := strings.Fields(lines[2])
	if f[3] != "1051" || f[4] != "1500" || f[12] != "300" || f[13] != "300" {
		t.Errorf("image %s×%s at %s×%s ppi, want 1051×1500 at 300:\n%s", f[3], f[4], f[12], f[13], list)
	}
	if text := popplerTool(t, "pdftotext", "-enc", "UTF-8", path, "-"); !strings.Contains(text, "35×45mm") {
		t.Errorf("caption missing: %q", text)
	}
}

func TestPhotoSheetPrintsThroughCUPS(t *testing.T) {
	s := cupstest.Start(t)
	s.AddPDFQueue(t, "Photo_L")
	p := &CUPS{Queue: "Photo_L", Server: s.Socket, Timeout: 60 * time.Second}
	if err := p.PrintPhotoSheet(context.Background(), testPhoto(413, 531)); err != nil {
		t.Fatalf("%v\n%s", err, s.Log())
	}
	pdfs := s.PDFs(t)
	if len(pdfs) != 1 {
		t.Fatalf("%d PDFs", len(pdfs))
	}
	// The queue printed on L-size paper (cups-pdf rounds to whole points).
	if info := popplerTool(t, "pdfinfo", pdfs[0]); !strings.Contains(info, "Page size:       252 x 360 pts") {
		t.Errorf("printed page is not L-size:\n%s", info)
	}
}
