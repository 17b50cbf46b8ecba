package slip

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/slip-receipt.png and docs/slip-a6.png from the sample slip")

// The README's picture of the receipt is the renderer's output for the sample slip, dot for
// dot: a change to the slip's look shows here and the picture is renewed with -update-docs.
func TestDocsPicturesShowTheCurrentSlip(t *testing.T) {
	docs := filepath.Join("..", "docs")
	receipt, err := RenderRaster(sampleReceipt(), Width80mm)
	if err != nil {
		t.Fatal(err)
	}
	if *updateDocs {
		writeOneBitPNG(t, filepath.Join(docs, "slip-receipt.png"), receipt)
		pdf := filepath.Join(t.TempDir(), "slip.pdf")
		if err := os.WriteFile(pdf, mustPDF(t, sampleReceipt(), PaperA6), 0o644); err != nil {
			t.Fatal(err)
		}
		// 100 dpi in 16 greys: readable, and small enough for a README.
		tmp := filepath.Join(t.TempDir(), "a6")
		if out, err := exec.Command("pdftoppm", "-r", "100", "-png", "-singlefile", pdf, tmp).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v: %s", err, out)
		}
		writeGreyPNG(t, tmp+".png", filepath.Join(docs, "slip-a6.png"))
	}
	data, err := os.ReadFile(filepath.Join(docs, "slip-receipt.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != receipt.Bounds() {
		t.Fatalf("docs/slip-receipt.png is %v, the slip renders %v: go test ./slip -run Docs -update-docs", img.Bounds(), receipt.Bounds())
	}
	// A few dots of slack for a rebuilt font file; a changed layout moves far more.
	diff := 0
	for y := 0; y < receipt.Bounds().Dy(); y++ {
		for x := 0; x < receipt.Bounds().Dx(); x++ {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); (g.Y < 128) != (receipt.GrayAt(x, y).Y < 128) {
				diff++
			}
		}
	}
	if diff > len(receipt.Pix)/500 {
		t.Fatalf("docs/slip-receipt.png differs from the slip in %d dots: go test ./slip -run Docs -update-docs", diff)
	}
	a6, err := os.Open(filepath.Join(docs, "slip-a6.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer a6.Close()
	cfg, err := png.DecodeConfig(a6)
	if err != nil || cfg.Width != 414 || cfg.Height != 583 {
		t.Fatalf("docs/slip-a6.png: %v, %dx%d, want A6 at 100 dpi (414x583)", err, cfg.Width, cfg.Height)
	}
}

func mustPDF(t *testing.T, r Receipt, p Paper) []byte {
	t.Helper()
	pdf, err := RenderPDF(r, p)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// writeOneBitPNG stores a black-and-white raster as a 1-bit paletted PNG.
func writeOneBitPNG(t *testing.T, path string, img *image.Gray) {
	t.Helper()
	p := image.NewPaletted(img.Bounds(), color.Palette{color.Black, color.White})
	for i, v := range img.Pix {
		if v >= 128 {
			p.Pix[i] = 1
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeGreyPNG rewrites the PNG at src as a 16-grey paletted PNG at dst.
func writeGreyPNG(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	pal := make(color.Palette, 16)
	for i := range pal {
		pal[i] = color.Gray{Y: uint8(i * 17)}
	}
	p := image.NewPaletted(img.Bounds(), pal)
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			p.SetColorIndex(x, y, uint8((int(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)+8)/17))
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
