package capture

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // formats a resident or operator may hand us; all are checked before decoding
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"

	"gocv.io/x/gocv"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// Limits on still images read from files. They are checked on the header, before any pixel is
// decoded, so a decompression bomb (a small file claiming 30000×30000 pixels) is refused cheaply.
const (
	MaxFileBytes = 64 << 20   // 64 MiB
	MaxSide      = 12000      // pixels per side
	MaxPixels    = 50_000_000 // a 50-megapixel camera is the largest we expect
)

// ErrNotAnImage means the bytes are not an image we can read (empty, truncated, another format).
var ErrNotAnImage = errors.New("not an image")

// ErrTooLarge means the image header claims more pixels than we accept.
var ErrTooLarge = errors.New("image too large")

// ImageInfo describes a decoded file's original format, before conversion to BGR.
type ImageInfo struct {
	Format        string // "jpeg", "png", ...
	Width, Height int    // of the decoded image, upright (after any EXIF orientation)
	CMYK          bool   // a CMYK JPEG: readable for scanning, not acceptable as an upload photo
	Gray          bool   // single-channel source
}

// LoadImageFile reads an image file into a BGR Mat (the caller closes it).
func LoadImageFile(path string) (gocv.Mat, ImageInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return gocv.NewMat(), ImageInfo{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return gocv.NewMat(), ImageInfo{}, err
	}
	if len(data) > MaxFileBytes {
		return gocv.NewMat(), ImageInfo{}, fmt.Errorf("%w: file larger than %d MiB", ErrTooLarge, MaxFileBytes>>20)
	}
	return DecodeImage(data)
}

// DecodeImage decodes encoded image bytes into a BGR Mat after checking the header.
// Errors wrap ErrNotAnImage or ErrTooLarge. On error the returned Mat is empty but still valid
// to Close.
func DecodeImage(data []byte) (gocv.Mat, ImageInfo, error) {
	if len(data) == 0 {
		return gocv.NewMat(), ImageInfo{}, fmt.Errorf("%w: empty file", ErrNotAnImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return gocv.NewMat(), ImageInfo{}, fmt.Errorf("%w: %v", ErrNotAnImage, err)
	}
	info := ImageInfo{Format: format, Width: cfg.Width, Height: cfg.Height}
	switch cfg.ColorModel {
	case color.CMYKModel:
		info.CMYK = true
	case color.GrayModel, color.Gray16Model:
		info.Gray = true
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return gocv.NewMat(), info, fmt.Errorf("%w: %dx%d pixels", ErrNotAnImage, cfg.Width, cfg.Height)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return gocv.NewMat(), info, fmt.Errorf("%w: %dx%d pixels (limit %d per side, %d MP)",
			ErrTooLarge, cfg.Width, cfg.Height, MaxSide, MaxPixels/1_000_000)
	}
	if format == "jpeg" && jpegTruncated(data) {
		// libjpeg decodes a cut-off JPEG as far as it goes and greys out the rest; that half
		// picture must not pass for a photo.
		return gocv.NewMat(), info, fmt.Errorf("%w: jpeg data is truncated (no end-of-image marker)", ErrNotAnImage)
	}
	// IMReadColor also applies a JPEG's EXIF orientation: phone photos stored sideways come out
	// upright, with width and height swapped against the header.
	m, err := gocv.IMDecode(data, gocv.IMReadColor)
	if err != nil || m.Empty() {
		m.Close()
		// OpenCV refuses some files Go can parse (and the reverse); a truncated file lands here.
		return gocv.NewMat(), info, fmt.Errorf("%w: %s data could not be decoded (truncated or corrupt)", ErrNotAnImage, format)
	}
	w, h := m.Cols(), m.Rows()
	if !(w == cfg.Width && h == cfg.Height) && !(w == cfg.Height && h == cfg.Width) {
		m.Close()
		return gocv.NewMat(), info, fmt.Errorf("%w: decoded size %dx%d differs from header %dx%d",
			ErrNotAnImage, w, h, cfg.Width, cfg.Height)
	}
	info.Width, info.Height = w, h
	return m, info, nil
}

// jpegTruncated reports whether a JPEG lacks the end-of-image marker (FF D9) after its last
// start-of-scan (FF DA). Inside entropy-coded data every FF byte is stuffed (FF 00), so FF D9
// there can only be the real end; an embedded EXIF thumbnail's own FF D9 comes before the scan.
func jpegTruncated(data []byte) bool {
	sos := bytes.LastIndex(data, []byte{0xFF, 0xDA})
	if sos < 0 {
		return true
	}
	return !bytes.Contains(data[sos:], []byte{0xFF, 0xD9})
}
