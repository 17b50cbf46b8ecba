package photo_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/internal/testsupport"
	"gocv.io/x/gocv"
)

func newChecker(t testing.TB, opts photo.Options) *photo.Checker {
	t.Helper()
	c, err := photo.NewChecker(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A compliant camera frame is accepted, and its JPEG is the 35:45 crop within the upload spec.
func TestAcceptedFrameGivesUploadableCrop(t *testing.T) {
	dir := sharedDir(t)
	c := newChecker(t, photo.Options{})
	r, err := c.CheckFile(filepath.Join(dir, "faces", "f021.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK {
		t.Fatalf("f021 (labelled accept) refused: %+v", r.Problems)
	}
	if r.Face == nil || r.Face.Faces != 1 {
		t.Fatalf("face info %+v", r.Face)
	}
	if !r.Crop.In(image.Rect(0, 0, 1920, 1080)) {
		t.Errorf("crop %v leaves the 1920x1080 frame", r.Crop)
	}
	if ratio := float64(r.Crop.Dx()) / float64(r.Crop.Dy()); ratio < 34.5/45 || ratio > 35.5/45 {
		t.Errorf("crop %v is not 35:45 (%.3f)", r.Crop, ratio)
	}
	if len(r.JPEG) < booth.MinPhotoBytes || len(r.JPEG) > booth.MaxPhotoBytes {
		t.Fatalf("JPEG of %d bytes outside the upload limits", len(r.JPEG))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(r.JPEG))
	if err != nil || format != "jpeg" {
		t.Fatalf("crop is not a JPEG: %v %s", err, format)
	}
	if cfg.Width != photo.DefaultWidth || cfg.Height != 1063 || cfg.ColorModel != color.YCbCrModel {
		t.Errorf("crop JPEG %dx%d %v, want 827x1063 YCbCr", cfg.Width, cfg.Height, cfg.ColorModel)
	}
}

// Every kind of bad input gives not_an_image with a precise detail, never a crash.
func TestBadInputsAreNotAnImage(t *testing.T) {
	c := newChecker(t, photo.Options{})
	tmp := t.TempDir()
	goodJPEG := encodeJPEG(t, image.NewRGBA(image.Rect(0, 0, 64, 48)))
	cases := map[string][]byte{
		"text.jpg":      []byte("this is not an image at all"),
		"empty.jpg":     {},
		"truncated.jpg": goodJPEG[:len(goodJPEG)/2],
		"bomb.png":      pngHeader(30000, 30000),
	}
	// OpenCV decodes the top of a JPEG cut short and paints the rest grey; such a file must not
	// pass as a photo.
	noisy := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for i := range noisy.Pix {
		noisy.Pix[i] = uint8(i * 7919 % 253)
	}
	full := encodeJPEG(t, noisy)
	cases["cut_short.jpg"] = full[:len(full)*9/10]
	for name, data := range cases {
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := c.CheckFile(path)
		if err != nil {
			t.Fatalf("%s: error %v, want a not_an_image result", name, err)
		}
		if r.OK || len(r.Problems) != 1 || r.Problems[0].Code != photo.NotAnImage || r.Problems[0].Detail == "" || !assets.Messages("en").Has(r.Problems[0].Key) {
			t.Errorf("%s: %+v, want one not_an_image problem with a message and detail", name, r.Problems)
		}
	}
	// A CMYK JPEG decodes, but is not acceptable as an upload photo.
	cmyk := filepath.Join(tmp, "cmyk.jpg")
	if _, err := exec.LookPath("convert"); err != nil {
		testsupport.Missing(t, "ImageMagick convert: %v", err)
	}
	if out, err := exec.Command("convert", "-size", "640x480", "xc:skyblue", "-colorspace", "CMYK", cmyk).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v %s", err, out)
	}
	r, err := c.CheckFile(cmyk)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 || r.Problems[0].Code != photo.NotAnImage || !strings.Contains(assets.Messages("en").T(r.Problems[0].Key), "CMYK") {
		t.Errorf("CMYK JPEG: %+v, want not_an_image saying CMYK", r.Problems)
	}
}

// Readable images without a usable face are refused with no_face, whatever their shape.
func TestTinyAndGrayImages(t *testing.T) {
	c := newChecker(t, photo.Options{})
	tmp := t.TempDir()
	one := filepath.Join(tmp, "one.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(one, buf.Bytes(), 0o644)
	gray := filepath.Join(tmp, "gray.jpg")
	g := image.NewGray(image.Rect(0, 0, 300, 400))
	for i := range g.Pix {
		g.Pix[i] = uint8(i % 251)
	}
	os.WriteFile(gray, encodeJPEG(t, g), 0o644)
	for _, p := range []string{one, gray} {
		r, err := c.CheckFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK || len(r.Problems) == 0 || r.Problems[0].Code != photo.NoFace {
			t.Errorf("%s: %+v, want no_face", filepath.Base(p), r.Problems)
		}
	}
	if _, err := c.CheckFile(filepath.Join(tmp, "missing.jpg")); err == nil {
		t.Error("a missing file must be an I/O error")
	}
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a PNG signature and IHDR claiming w×h pixels, with no pixel data: a
// decompression bomb's calling card.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// mustImage converts a BGR Mat to a Go image.
func mustImage(t testing.TB, m gocv.Mat) image.Image {
	t.Helper()
	img, err := m.ToImage()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// A photo shrunk to a thumbnail, blown up again and saved at low JPEG quality keeps the face's
// outline but none of its detail: low_resolution, however many pixels it has. The same photo
// saved at an ordinary quality is accepted.
func TestBlownUpThumbnailIsLowResolution(t *testing.T) {
	src := loadFrame(t, "f065.jpg", 1000, 1000)
	defer src.Close()
	c := newChecker(t, photo.Options{})
	encode := func(m gocv.Mat, q int) []byte {
		buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, q})
		if err != nil {
			t.Fatal(err)
		}
		defer buf.Close()
		return append([]byte(nil), buf.GetBytes()...)
	}
	ok, err := c.CheckBytes(encode(src, 85))
	if err != nil || !ok.OK {
		t.Fatalf("f065 at quality 85: %v %+v", err, ok)
	}
	thumb, big := gocv.NewMat(), gocv.NewMat()
	defer thumb.Close()
	defer big.Close()
	gocv.Resize(src, &thumb, image.Pt(64, 64), 0, 0, gocv.InterpolationArea)
	gocv.Resize(thumb, &big, image.Pt(500, 500), 0, 0, gocv.InterpolationCubic)
	r, err := c.CheckBytes(encode(big, 10))
	if err != nil {
		t.Fatal(err)
	}
	// Its JPEG noise may also speckle the background; low_resolution must be said either way.
	if r.OK || !slices.Contains(r.Codes(), photo.LowResolution) {
		t.Errorf("blown-up thumbnail: %+v, want low_resolution", r.Problems)
	}
}

// A black-and-white version of an accepted photo is judged on what can be seen without colour:
// still accepted, not refused for colour cues it does not have.
func TestGrayscalePhotoIsJudgedWithoutColour(t *testing.T) {
	src := loadFrame(t, "f021.jpg", 1920, 1080)
	defer src.Close()
	gray, bgr := gocv.NewMat(), gocv.NewMat()
	defer gray.Close()
	defer bgr.Close()
	gocv.CvtColor(src, &gray, gocv.ColorBGRToGray)
	gocv.CvtColor(gray, &bgr, gocv.ColorGrayToBGR)
	c := newChecker(t, photo.Options{})
	r, err := c.CheckStill(bgr)
	if err != nil || !r.OK {
		t.Fatalf("grayscale f021: %v %+v", err, r.Problems)
	}
}

// Phone photos stored sideways with an EXIF orientation are turned upright, then judged like
// any other: never a crash, never refused for being stored sideways.
func TestExifOrientedPhotos(t *testing.T) {
	src := loadFrame(t, "f065.jpg", 1000, 1000)
	defer src.Close()
	c := newChecker(t, photo.Options{})
	cases := []struct {
		o    uint16
		turn func(gocv.Mat, *gocv.Mat) // how the camera stored the upright photo
		bo   binary.ByteOrder
	}{
		{6, func(a gocv.Mat, b *gocv.Mat) { gocv.Rotate(a, b, gocv.Rotate90CounterClockwise) }, binary.LittleEndian},
		{8, func(a gocv.Mat, b *gocv.Mat) { gocv.Rotate(a, b, gocv.Rotate90Clockwise) }, binary.BigEndian},
		{3, func(a gocv.Mat, b *gocv.Mat) { gocv.Rotate(a, b, gocv.Rotate180Clockwise) }, binary.LittleEndian},
		{5, func(a gocv.Mat, b *gocv.Mat) { gocv.Transpose(a, b) }, binary.BigEndian},
	}
	for _, tc := range cases {
		stored := gocv.NewMat()
		tc.turn(src, &stored)
		buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, stored, []int{gocv.IMWriteJpegQuality, 90})
		stored.Close()
		if err != nil {
			t.Fatal(err)
		}
		data := testsupport.WithEXIFOrientation(append([]byte(nil), buf.GetBytes()...), tc.o, tc.bo)
		buf.Close()
		r, err := c.CheckBytes(data)
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.o, err)
		}
		if !r.OK {
			t.Errorf("orientation %d: refused %+v", tc.o, r.Problems)
		}
	}
}

// The same photo gets exactly the same result whatever was checked before it (GrabCut draws
// on OpenCV's random generator, which other calls advance).
func TestSameResultWhateverCameBefore(t *testing.T) {
	dir := sharedDir(t)
	c := newChecker(t, photo.Options{})
	check := func(f string) *photo.Result {
		r, err := c.CheckFile(filepath.Join(dir, "faces", f))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := check("f065.jpg")
	check("f054.jpg")
	check("f003.jpg")
	again := check("f065.jpg")
	if len(first.Measurements) != len(again.Measurements) || first.Crop != again.Crop {
		t.Fatalf("different results: %+v / %+v", first, again)
	}
	for i := range first.Measurements {
		if a, b := first.Measurements[i], again.Measurements[i]; a.Value != b.Value || a.Failed != b.Failed {
			t.Errorf("%s: %v then %v", a.Name, a.Value, b.Value)
		}
	}
}
