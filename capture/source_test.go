package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/capture/imagefile"
	"github.com/idbooth/idbooth/internal/testsupport"
	"gocv.io/x/gocv"
)

// solid makes a w×h BGR frame of one colour, with the frame number written into pixel (0,0).
func solid(w, h int, c color.RGBA) gocv.Mat {
	m := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(float64(c.B), float64(c.G), float64(c.R), 0), h, w, gocv.MatTypeCV8UC3)
	return m
}

func TestVideoFileEndsAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clip.avi")
	vw, err := gocv.VideoWriterFile(path, "MJPG", 10, 64, 48, true)
	if err != nil || !vw.IsOpened() {
		t.Fatalf("cannot write a test video: %v", err)
	}
	for i := 0; i < 5; i++ {
		f := solid(64, 48, color.RGBA{uint8(40 * i), 100, 200, 255})
		if err := vw.Write(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	vw.Close()

	v, err := OpenVideoFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	frame := gocv.NewMat()
	defer frame.Close()
	for round := 0; round < 2; round++ {
		n := 0
		for {
			err := v.Read(&frame)
			if errors.Is(err, ErrEndOfStream) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if frame.Cols() != 64 || frame.Rows() != 48 || frame.Channels() != 3 {
				t.Fatalf("frame %dx%dx%d", frame.Cols(), frame.Rows(), frame.Channels())
			}
			n++
		}
		if n != 5 {
			t.Fatalf("round %d: read %d frames, want 5", round, n)
		}
		if err := v.Reopen(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVideoFileNotAVideo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte("not a video"), 0o600)
	if _, err := OpenVideoFile(path); err == nil {
		t.Fatal("want an error for a text file")
	}
}

func TestStillDirCyclesWithClock(t *testing.T) {
	dir := t.TempDir()
	for i, c := range []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}} {
		m := solid(32, 24, c)
		if !gocv.IMWrite(filepath.Join(dir, []string{"a.png", "b.png"}[i]), m) {
			t.Fatal("IMWrite")
		}
		m.Close()
	}
	os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("ignored"), 0o600)

	s, err := OpenStillDir(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Unix(1000, 0)
	s.now = func() time.Time { return now }
	s.Reopen()

	frame := gocv.NewMat()
	defer frame.Close()
	red := func() bool {
		v := frame.GetVecbAt(0, 0)
		return v[2] == 255 && v[1] == 0
	}
	for i, wantRed := range []bool{true, false, true} {
		if err := s.Read(&frame); err != nil {
			t.Fatal(err)
		}
		if red() != wantRed {
			t.Fatalf("step %d: red=%v, want %v", i, red(), wantRed)
		}
		now = now.Add(time.Second)
	}
}

// The folder camera reads its images as every image input is read: a FIFO named like a photo
// is refused at once (it once stopped the kiosk for good, waiting for a writer), and a GIF,
// which never decoded, is not shown at all.
func TestStillDirRefusesWhatIsNotAnImageFile(t *testing.T) {
	dir := t.TempDir()
	m := solid(32, 24, color.RGBA{255, 0, 0, 255})
	defer m.Close()
	if !gocv.IMWrite(filepath.Join(dir, "a.png"), m) {
		t.Fatal("IMWrite")
	}
	var g bytes.Buffer
	if err := gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 32, 24), color.Palette{color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.gif"), g.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "c.jpg"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenStillDir(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.files) != 2 || filepath.Base(s.files[0]) != "a.png" || filepath.Base(s.files[1]) != "c.jpg" {
		t.Fatalf("listed %v, want a.png and c.jpg", s.files)
	}
	now := time.Unix(1000, 0)
	s.SetClock(func() time.Time { return now })
	frame := gocv.NewMat()
	defer frame.Close()
	if err := s.Read(&frame); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	done := make(chan error, 1)
	go func() { done <- s.Read(&frame) }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotAnImage) || !errors.Is(err, imagefile.ErrNotRegular) {
			t.Fatalf("FIFO: %v, want %v", err, imagefile.ErrNotRegular)
		}
	case <-time.After(time.Second):
		t.Fatal("reading a FIFO named c.jpg still blocked after 1 s")
	}
}

func TestStillDirEmpty(t *testing.T) {
	if _, err := OpenStillDir(t.TempDir(), 0); err == nil {
		t.Fatal("want an error for a directory without images")
	}
}

func TestCameraMissingIsDisconnected(t *testing.T) {
	_, err := OpenCamera(63, 640, 480)
	if !errors.Is(err, ErrDisconnected) {
		t.Fatalf("got %v, want ErrDisconnected", err)
	}
}

func TestDecodeImageBadInputs(t *testing.T) {
	good := solid(40, 30, color.RGBA{10, 20, 30, 255})
	defer good.Close()
	buf, err := gocv.IMEncode(gocv.JPEGFileExt, good)
	if err != nil {
		t.Fatal(err)
	}
	jpeg := append([]byte(nil), buf.GetBytes()...)
	buf.Close()

	m, info, err := DecodeImage(jpeg)
	if err != nil || info.Width != 40 || info.Format != "jpeg" {
		t.Fatalf("good jpeg: %v %+v", err, info)
	}
	m.Close()

	// A PNG header claiming 30000×30000 pixels: refused from the header, nothing decoded.
	bomb := testsupport.PNGHeader(30000, 30000)
	for name, tc := range map[string]struct {
		data []byte
		want error
	}{
		"empty":     {nil, ErrNotAnImage},
		"text":      {[]byte("hello, world"), ErrNotAnImage},
		"truncated": {jpeg[:len(jpeg)/2], ErrNotAnImage},
		"bomb":      {bomb, ErrTooLarge},
	} {
		m, _, err := DecodeImage(tc.data)
		m.Close()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
}

// A phone photo stored sideways (EXIF orientation 6 or 8) comes out upright, its size swapped
// against the header; this once read a closed Mat and crashed.
func TestDecodeImageEXIFOrientation(t *testing.T) {
	stored := solid(60, 40, color.RGBA{200, 10, 10, 255}) // 60 wide, 40 high as stored
	defer stored.Close()
	// Mark the stored top-left corner so we can see where it ends up.
	gocv.Rectangle(&stored, image.Rect(0, 0, 10, 10), color.RGBA{0, 0, 255, 255}, -1)
	buf, err := gocv.IMEncode(gocv.JPEGFileExt, stored)
	if err != nil {
		t.Fatal(err)
	}
	jpg := append([]byte(nil), buf.GetBytes()...)
	buf.Close()
	for _, o := range []uint16{6, 8} {
		m, info, err := DecodeImage(testsupport.WithEXIFOrientation(jpg, o, binary.BigEndian))
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		if m.Cols() != 40 || m.Rows() != 60 || info.Width != 40 || info.Height != 60 {
			t.Errorf("orientation %d: got %dx%d (info %dx%d), want 40x60 upright", o, m.Cols(), m.Rows(), info.Width, info.Height)
		}
		// 6 = rotate 90° clockwise to view: the stored top-left lands top-right.
		x := map[uint16]int{6: 35, 8: 4}[o]
		y := map[uint16]int{6: 4, 8: 55}[o]
		if v := m.GetVecbAt(y, x); v[0] < 128 || v[2] > 128 { // the blue mark (BGR)
			t.Errorf("orientation %d: marked corner not at (%d,%d): %v", o, x, y, v)
		}
		m.Close()
	}
}
