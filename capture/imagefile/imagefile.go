// Package imagefile is the one way the booth reads an image it is handed: a photo to check, a
// form to scan, a still of the folder camera. It reads only regular files, never more than a
// limit, recognises the format by its signature and refuses a header that claims more pixels
// than the limits, all before a single pixel is decoded.
package imagefile

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // the header readers of the formats in Formats
	_ "image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"

	"github.com/idbooth/idbooth/booth"
)

// The limits on an image input. A 50-megapixel camera is the largest we expect; a photo file
// of it is well under 64 MiB.
const (
	MaxFileBytes = 64 << 20   // bytes of an encoded image
	MaxSide      = 12000      // pixels per side
	MaxPixels    = 50_000_000 // pixels in all
)

// Formats are the formats read: those this booth's OpenCV decodes and Go reads the header of.
// GIF (OpenCV 4.6 has no GIF reader), TIFF and HEIF are recognised and refused as unsupported.
var Formats = []string{"jpeg", "png", "bmp", "webp"}

// extensions are the file names the folder camera takes for images, by format.
var extensions = map[string]string{".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".bmp": "bmp", ".webp": "webp"}

// HasImageExtension reports whether a file name ends in the extension of a format read.
func HasImageExtension(name string) bool {
	_, ok := extensions[strings.ToLower(filepath.Ext(name))]
	return ok
}

// The refusals of an input for what it is (not for an I/O failure). Each is a booth.Kind:
// errors.Is matches it, and it names the message people see for a photo (the CLI's scan words
// its own). The detail wrapped with it is for operators: kinds, sizes and formats, never the
// file's content or name.
var (
	ErrNotRegular  = booth.NewKind("not a regular file", "photo.not_an_image")  // a device, a pipe, a socket, a directory
	ErrTooLarge    = booth.NewKind("too large", "photo.not_an_image.too_large") // more bytes or pixels than the limits
	ErrUnsupported = booth.NewKind("unsupported format", "photo.not_an_image")  // GIF, TIFF, HEIF, no image signature
	ErrUnreadable  = booth.NewKind("unreadable image", "photo.not_an_image")    // empty, or a header that does not parse
)

// Refusals lists the kinds above.
var Refusals = []error{ErrNotRegular, ErrTooLarge, ErrUnsupported, ErrUnreadable}

// Refused reports whether err is one of the Refusals (and not an I/O error).
func Refused(err error) bool {
	for _, k := range Refusals {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

func fail(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))
}

// Header is what an image's header declares.
type Header struct {
	Format        string // one of Formats
	Width, Height int
	ColorModel    color.Model
}

// Read reads the image file at path: a regular file of at most limit bytes (and MaxFileBytes)
// whose header passes Check. A device, a pipe or a FIFO is refused without reading a byte, and
// without waiting for a writer. Errors wrap one of the Refusals, or are the file system's
// (missing file, permissions) as they are.
func Read(path string, limit int64) ([]byte, error) {
	limit = min(limit, MaxFileBytes)
	// The path is looked at before it is opened: opening a device can have effects (a tape
	// rewinds, a terminal becomes ours), opening a FIFO waits for a writer.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(st.Mode()); err != nil {
		return nil, err
	}
	// Non-blocking, in case the path was swapped for a FIFO or a device since: such an open
	// returns at once and the check of the opened file below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regular(st.Mode()); err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, fail(ErrTooLarge, "file of %d bytes, limit %d", st.Size(), limit)
	}
	// The size is only a hint (a file may grow while read, /proc and /sys say 0): the read
	// itself is bounded.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, fail(ErrTooLarge, "file larger than the limit of %d bytes", limit)
	}
	data := buf.Bytes()
	if _, err := Check(data); err != nil {
		return nil, err
	}
	return data, nil
}

// regular refuses anything but a regular file, naming what it is.
func regular(m fs.FileMode) error {
	if m.IsRegular() {
		return nil
	}
	kind := "another kind of file"
	switch {
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a pipe or FIFO"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a block device"
	}
	return fail(ErrNotRegular, "%s", kind)
}

// Check reads an encoded image's header: the format from its signature (GIF and unknown
// formats are refused here), then the sides the header declares against MaxSide and MaxPixels.
// Decoding data that passed Check allocates no more than its declared sides allow.
func Check(data []byte) (Header, error) {
	if len(data) == 0 {
		return Header{}, fail(ErrUnreadable, "empty file")
	}
	if len(data) > MaxFileBytes {
		return Header{}, fail(ErrTooLarge, "%d bytes, limit %d", len(data), MaxFileBytes)
	}
	format, ok := sniff(data)
	if !ok {
		if format == "" {
			format = "no known image signature"
		}
		return Header{}, fail(ErrUnsupported, "%s; readable: %s", format, strings.Join(Formats, ", "))
	}
	cfg, got, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Header{}, fail(ErrUnreadable, "%s header: %v", format, err)
	}
	if got != format {
		return Header{}, fail(ErrUnreadable, "%s signature, but a %s header", format, got)
	}
	h := Header{Format: format, Width: cfg.Width, Height: cfg.Height, ColorModel: cfg.ColorModel}
	if h.Width <= 0 || h.Height <= 0 {
		return h, fail(ErrUnreadable, "%s header declares %d×%d pixels", format, h.Width, h.Height)
	}
	if h.Width > MaxSide || h.Height > MaxSide || h.Width*h.Height > MaxPixels {
		return h, fail(ErrTooLarge, "%s header declares %d×%d pixels; limit %d per side, %d in all",
			format, h.Width, h.Height, MaxSide, MaxPixels)
	}
	return h, nil
}

// signature is how a format's files begin; '?' matches any byte.
type signature struct {
	format    string
	magic     string
	supported bool
}

var signatures = []signature{
	{"jpeg", "\xFF\xD8\xFF", true},
	{"png", "\x89PNG\r\n\x1A\n", true},
	{"bmp", "BM", true},
	{"webp", "RIFF????WEBP", true},
	{"gif", "GIF8", false},
	{"tiff", "II*\x00", false},
	{"tiff", "MM\x00*", false},
	{"heif", "????ftypheic", false},
	{"heif", "????ftypheix", false},
	{"heif", "????ftypmif1", false},
	{"avif", "????ftypavif", false},
	{"jpeg 2000", "\x00\x00\x00\x0CjP  ", false},
}

// sniff names the format data's signature gives, and whether it is read ("" when none).
func sniff(data []byte) (string, bool) {
	for _, s := range signatures {
		if matches(data, s.magic) {
			return s.format, s.supported
		}
	}
	return "", false
}

func matches(data []byte, magic string) bool {
	if len(data) < len(magic) {
		return false
	}
	for i := range len(magic) {
		if magic[i] != '?' && data[i] != magic[i] {
			return false
		}
	}
	return true
}
