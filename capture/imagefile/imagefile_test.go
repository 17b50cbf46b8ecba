package imagefile_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/bmp"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/imagefile"
	"github.com/idbooth/idbooth/internal/testsupport"
)

func encode(t testing.TB, enc func(*bytes.Buffer, image.Image) error, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7919 % 251)
	}
	var buf bytes.Buffer
	if err := enc(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegOf(t testing.TB, w, h int) []byte {
	return encode(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) }, w, h)
}

func pngOf(t testing.TB, w, h int) []byte {
	return encode(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }, w, h)
}

func bmpOf(t testing.TB, w, h int) []byte {
	return encode(t, func(b *bytes.Buffer, m image.Image) error { return bmp.Encode(b, m) }, w, h)
}

func gifOf(t testing.TB, w, h int) []byte {
	var buf bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	if err := gif.Encode(&buf, pal, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withJPEGSides returns a copy of a baseline JPEG whose frame header (SOF0) claims w×h.
func withJPEGSides(t testing.TB, data []byte, w, h uint16) []byte {
	t.Helper()
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	out := bytes.Clone(data)
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

// randomScan keeps a JPEG's headers up to its scan and replaces the scan by n pseudo-random
// bytes (no FF, so no marker) ending in FF D9.
func randomScan(t testing.TB, data []byte, n int) []byte {
	t.Helper()
	i := bytes.Index(data, []byte{0xFF, 0xDA})
	if i < 0 {
		t.Fatal("no SOS marker")
	}
	sosLen := int(binary.BigEndian.Uint16(data[i+2:]))
	out := bytes.Clone(data[:i+2+sosLen])
	x := uint32(2463534242)
	for range n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out = append(out, byte(x%255))
	}
	return append(out, 0xFF, 0xD9)
}

func write(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// readWithin runs Read, failing the test if it does not return within a second (a FIFO without
// a writer once blocked forever).
func readWithin(t *testing.T, path string, limit int64) ([]byte, error) {
	t.Helper()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		d, err := imagefile.Read(path, limit)
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-time.After(time.Second):
		t.Fatalf("Read(%s) still blocked after 1 s", path)
		return nil, nil
	}
}

// Anything but a regular file is refused without a byte read and without waiting, saying what
// it is: devices, a pipe, a FIFO nobody writes to, a socket, a directory, and symbolic links to
// them.
func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock.jpg")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	link := filepath.Join(dir, "zero.jpg")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	w.Write(jpegOf(t, 8, 8)) // an image in the pipe changes nothing: a pipe is not a file
	pipe := "/proc/self/fd/" + strconv.Itoa(int(r.Fd()))

	for path, want := range map[string]string{
		"/dev/zero":    "a character device",
		"/dev/urandom": "a character device",
		"/dev/null":    "a character device",
		fifo:           "a pipe or FIFO",
		pipe:           "a pipe or FIFO",
		sock:           "a socket",
		dir:            "a directory",
		link:           "a character device",
	} {
		data, err := readWithin(t, path, imagefile.MaxFileBytes)
		if data != nil || !errors.Is(err, imagefile.ErrNotRegular) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %v saying %q", path, err, imagefile.ErrNotRegular, want)
		}
		if strings.Contains(err.Error(), path) {
			t.Errorf("%s: the detail names the file: %v", path, err)
		}
	}
	if _, err := imagefile.Read(filepath.Join(dir, "missing.jpg"), imagefile.MaxFileBytes); !errors.Is(err, fs.ErrNotExist) || imagefile.Refused(err) {
		t.Errorf("missing file: %v, want the file system's not-exist error", err)
	}
}

// The read is bounded by the limit whatever the file's size says: a sparse file over the limit
// is refused from its size, and a file that reports size 0 (/proc) from the bytes read.
func TestReadIsBounded(t *testing.T) {
	dir := t.TempDir()
	good := jpegOf(t, 64, 48)
	path := write(t, dir, "good.jpg", good)
	if data, err := imagefile.Read(path, int64(len(good))); err != nil || !bytes.Equal(data, good) {
		t.Fatalf("a JPEG of exactly the limit: %v", err)
	}
	if _, err := imagefile.Read(path, int64(len(good)-1)); !errors.Is(err, imagefile.ErrTooLarge) {
		t.Errorf("a JPEG one byte over the limit: %v, want %v", err, imagefile.ErrTooLarge)
	}
	sparse := filepath.Join(dir, "sparse.jpg")
	if err := os.WriteFile(sparse, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 1<<40); err != nil { // a terabyte of nothing
		t.Fatal(err)
	}
	if _, err := imagefile.Read(sparse, imagefile.MaxFileBytes); !errors.Is(err, imagefile.ErrTooLarge) {
		t.Errorf("a 1 TB sparse file: %v, want %v", err, imagefile.ErrTooLarge)
	}
	st, err := os.Stat("/proc/self/maps")
	if err != nil || st.Size() != 0 || !st.Mode().IsRegular() {
		t.Fatalf("/proc/self/maps: %v %v, want a regular file of size 0", err, st)
	}
	if _, err := imagefile.Read("/proc/self/maps", 16); !errors.Is(err, imagefile.ErrTooLarge) {
		t.Errorf("/proc/self/maps (size 0, more bytes than 16): %v, want %v", err, imagefile.ErrTooLarge)
	}
}

// The format comes from the signature, and the header's sides are checked before any decode.
func TestCheck(t *testing.T) {
	good := jpegOf(t, 64, 48)
	webp := filepath.Join(t.TempDir(), "x.webp")
	if _, err := exec.LookPath("convert"); err != nil {
		testsupport.Missing(t, "ImageMagick convert: %v", err)
	}
	if out, err := exec.Command("convert", "-size", "40x30", "xc:skyblue", webp).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v %s", err, out)
	}
	webpData, err := os.ReadFile(webp)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data   []byte
		format string // for an image that passes
		w, h   int
		kind   error
		detail string
	}{
		"jpeg":             {data: good, format: "jpeg", w: 64, h: 48},
		"png":              {data: pngOf(t, 30, 20), format: "png", w: 30, h: 20},
		"bmp":              {data: bmpOf(t, 30, 20), format: "bmp", w: 30, h: 20},
		"webp":             {data: webpData, format: "webp", w: 40, h: 30},
		"gif":              {data: gifOf(t, 30, 20), kind: imagefile.ErrUnsupported, detail: "gif"},
		"tiff":             {data: []byte("II*\x00\x08\x00\x00\x00"), kind: imagefile.ErrUnsupported, detail: "tiff"},
		"heic":             {data: []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), kind: imagefile.ErrUnsupported, detail: "heif"},
		"text":             {data: []byte("this is not an image"), kind: imagefile.ErrUnsupported, detail: "no known image signature"},
		"random with FFD9": {data: append(bytes.Repeat([]byte{0x5A, 0xC3, 0x11}, 300), 0xFF, 0xD9), kind: imagefile.ErrUnsupported},
		"empty":            {kind: imagefile.ErrUnreadable, detail: "empty"},
		"jpeg header only": {data: good[:20], kind: imagefile.ErrUnreadable, detail: "jpeg header"},
		"png bomb":         {data: testsupport.PNGHeader(30000, 30000), kind: imagefile.ErrTooLarge, detail: "30000×30000"},
		"png one long row": {data: testsupport.PNGHeader(12001, 1), kind: imagefile.ErrTooLarge},
		"png 60 MP":        {data: testsupport.PNGHeader(10000, 6000), kind: imagefile.ErrTooLarge},
		"png 0 wide":       {data: testsupport.PNGHeader(0, 10), kind: imagefile.ErrUnreadable},
		"jpeg 65535 sides": {data: withJPEGSides(t, good, 65535, 65535), kind: imagefile.ErrTooLarge},
		// Within the limits: Check passes, the decode must find out (capture.DecodeImage).
		"jpeg 6000x6000 over 64x48": {data: withJPEGSides(t, good, 6000, 6000), format: "jpeg", w: 6000, h: 6000},
	} {
		h, err := imagefile.Check(tc.data)
		if tc.kind == nil {
			if err != nil || h.Format != tc.format || h.Width != tc.w || h.Height != tc.h {
				t.Errorf("%s: %+v %v, want %s %d×%d", name, h, err, tc.format, tc.w, tc.h)
			}
			continue
		}
		if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.detail) || booth.MessageKey(err) == booth.UnexpectedKey {
			t.Errorf("%s: %v, want %v saying %q", name, err, tc.kind, tc.detail)
		}
	}
}

func TestHasImageExtension(t *testing.T) {
	for name, want := range map[string]bool{"a.jpg": true, "B.JPEG": true, "c.png": true, "d.bmp": true,
		"e.webp": true, "f.gif": false, "g.tif": false, "h": false, "i.jpg.txt": false} {
		if imagefile.HasImageExtension(name) != want {
			t.Errorf("%s: want %v", name, want)
		}
	}
}
