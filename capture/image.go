package capture

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/capture/imagefile"
)

// ErrNotAnImage means the bytes are not an image we can read (not a regular file, empty,
// truncated, an unsupported format). The error also carries the imagefile code when there is one.
var ErrNotAnImage = errors.New("not an image")

// ErrTooLarge means the file, or the pixels its header declares, exceed imagefile's limits.
var ErrTooLarge = errors.New("image too large")

// ImageInfo describes a decoded file's original format, before conversion to BGR.
type ImageInfo struct {
	Format        string // "jpeg", "png", ...
	Width, Height int    // of the decoded image, upright (after any EXIF orientation)
	CMYK          bool   // a CMYK JPEG: readable for scanning, not acceptable as an upload photo
	Gray          bool   // single-channel source
}

// LoadImageFile reads an image file into a BGR Mat (the caller closes it), through
// imagefile.Read: a regular file within the limits.
func LoadImageFile(path string) (gocv.Mat, ImageInfo, error) {
	data, err := imagefile.Read(path, imagefile.MaxFileBytes)
	if err != nil {
		return gocv.NewMat(), ImageInfo{}, kind(err)
	}
	return DecodeImage(data)
}

// kind files an imagefile refusal under ErrTooLarge or ErrNotAnImage; other errors (I/O) are
// returned as they are.
func kind(err error) error {
	switch {
	case errors.Is(err, imagefile.ErrTooLarge):
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	case imagefile.Refused(err):
		return fmt.Errorf("%w: %w", ErrNotAnImage, err)
	}
	return err
}

// DecodeImage decodes encoded image bytes into a BGR Mat after imagefile.Check has read the
// header. Errors wrap ErrNotAnImage or ErrTooLarge. On error the returned Mat is empty but still
// valid to Close.
func DecodeImage(data []byte) (gocv.Mat, ImageInfo, error) {
	hdr, err := imagefile.Check(data)
	if err != nil {
		return gocv.NewMat(), ImageInfo{Format: hdr.Format, Width: hdr.Width, Height: hdr.Height}, kind(err)
	}
	format := hdr.Format
	info := ImageInfo{Format: format, Width: hdr.Width, Height: hdr.Height}
	switch hdr.ColorModel {
	case color.CMYKModel:
		info.CMYK = true
	case color.GrayModel, color.Gray16Model:
		info.Gray = true
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
	if !(w == hdr.Width && h == hdr.Height) && !(w == hdr.Height && h == hdr.Width) {
		m.Close()
		return gocv.NewMat(), info, fmt.Errorf("%w: decoded size %dx%d differs from header %dx%d",
			ErrNotAnImage, w, h, hdr.Width, hdr.Height)
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
