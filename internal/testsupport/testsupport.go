// Package testsupport holds helpers shared by the tests of several packages: finding the
// labelled test data in ../shared/testdata, and building unusual image files.
package testsupport

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// SharedTestdata returns ../shared/testdata/<sub...> beside the module root. Outside CI a missing
// directory skips the test; in CI (CI set) it fails the test, as a missing dependency must.
func SharedTestdata(t testing.TB, sub ...string) string {
	t.Helper()
	dir, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(append([]string{dir, "..", "shared", "testdata"}, sub...)...)
	if _, err := os.Stat(p); err != nil {
		Missing(t, "test data not present: %v", err)
	}
	return p
}

// moduleRoot is the directory holding go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testsupport: go.mod not found above %s", dir)
		}
		dir = parent
	}
}

// Missing reports that something a test needs is not on this machine. In CI (CI set) that is a
// failure — scripts/setup must install it; on a developer's machine the test is skipped.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("missing in CI (scripts/setup must provide it): "+format, args...)
	}
	t.Skipf("skipped outside CI, missing here: "+format, args...)
}

// WithEXIFOrientation returns a copy of a JPEG with an EXIF segment whose Orientation tag is o
// (1–8), in byte order bo: how phones store photos taken sideways.
func WithEXIFOrientation(jpg []byte, o uint16, bo binary.ByteOrder) []byte {
	var tiff bytes.Buffer
	if bo == binary.LittleEndian {
		tiff.WriteString("II")
	} else {
		tiff.WriteString("MM")
	}
	binary.Write(&tiff, bo, uint16(42))
	binary.Write(&tiff, bo, uint32(8))
	binary.Write(&tiff, bo, uint16(1))      // one entry
	binary.Write(&tiff, bo, uint16(0x0112)) // Orientation
	binary.Write(&tiff, bo, uint16(3))      // SHORT
	binary.Write(&tiff, bo, uint32(1))
	binary.Write(&tiff, bo, o)
	binary.Write(&tiff, bo, uint16(0))
	binary.Write(&tiff, bo, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write(jpg[2:])
	return out.Bytes()
}

// PNGHeader is a PNG signature and an IHDR claiming w×h pixels (8-bit RGB), with no pixel data:
// a decompression bomb's calling card when w×h is large.
func PNGHeader(w, h uint32) []byte {
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}
