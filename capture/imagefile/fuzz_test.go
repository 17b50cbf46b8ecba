package imagefile_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/imagefile"
	"github.com/idbooth/idbooth/internal/testsupport"
)

// FuzzReadImage feeds any bytes, as a file, through what the booth does with an image it is
// handed: imagefile.Read (bounded read, signature, header limits), then capture.DecodeImage
// (the decode by OpenCV). `make test` runs the seeds; `go test -tags no_emoji -run '^$' -fuzz
// FuzzReadImage ./capture/imagefile/` searches further.
func FuzzReadImage(f *testing.F) {
	good := jpegOf(f, 64, 48)
	for _, seed := range [][]byte{
		good,
		good[:len(good)/2], // truncated
		append(bytes.Clone(good[:len(good)/2]), 0xFF, 0xD9), // truncated, end marker appended
		withJPEGSides(f, jpegOf(f, 48, 64), 2000, 2000),     // a header edited to sides its data lacks
		withJPEGSides(f, good, 65535, 65535),                // huge declared sides
		randomScan(f, good, 2000),                           // random scan data ending in FF D9
		append(bytes.Repeat([]byte{0x5A, 0xC3}, 500), 0xFF, 0xD9),
		pngOf(f, 30, 20),
		testsupport.PNGHeader(30000, 30000), // a PNG bomb's header
		testsupport.PNGHeader(10000, 5000),  // within the limits, no data
		bmpOf(f, 30, 20),
		gifOf(f, 30, 20),
		[]byte("II*\x00\x08\x00\x00\x00"),
		[]byte("RIFF\x10\x00\x00\x00WEBPVP8 "),
		[]byte("this is not an image"),
		{},
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "input")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := imagefile.Read(path, imagefile.MaxFileBytes)
		hdr, checkErr := imagefile.Check(data)
		if fmt.Sprint(err) != fmt.Sprint(checkErr) {
			t.Fatalf("Read says %v, Check says %v", err, checkErr)
		}
		if err != nil {
			if !imagefile.Refused(err) {
				t.Fatalf("refused with no kind: %v", err)
			}
			return
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("read %d bytes of %d", len(got), len(data))
		}
		if !slices.Contains(imagefile.Formats, hdr.Format) || hdr.Width <= 0 || hdr.Height <= 0 ||
			hdr.Width > imagefile.MaxSide || hdr.Height > imagefile.MaxSide || hdr.Width*hdr.Height > imagefile.MaxPixels {
			t.Fatalf("passed with header %+v", hdr)
		}
		if _, err := imagefile.Read(path, int64(len(data)-1)); !errors.Is(err, imagefile.ErrTooLarge) {
			t.Fatalf("one byte over the limit: %v", err)
		}
		m, info, err := capture.DecodeImage(data)
		defer m.Close()
		if err != nil {
			if !errors.Is(err, capture.ErrNotAnImage) && !errors.Is(err, capture.ErrTooLarge) {
				t.Fatalf("decode error of no kind: %v", err)
			}
			if !m.Empty() {
				t.Fatalf("decode error %v with a Mat of %dx%d", err, m.Cols(), m.Rows())
			}
			return
		}
		w, h := m.Cols(), m.Rows()
		if (w != hdr.Width || h != hdr.Height) && (w != hdr.Height || h != hdr.Width) {
			t.Fatalf("decoded %dx%d, header %dx%d", w, h, hdr.Width, hdr.Height)
		}
		if m.Type() != gocv.MatTypeCV8UC3 || info.Format != hdr.Format || info.Width != w || info.Height != h {
			t.Fatalf("decoded %v %+v, header %+v", m.Type(), info, hdr)
		}
	})
}
