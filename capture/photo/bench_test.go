package photo_test

import (
	"image"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/photo"
	"gocv.io/x/gocv"
)

// loadFrame reads a labelled photo and scales it to w×h (a camera's still or preview size).
func loadFrame(b testing.TB, name string, w, h int) gocv.Mat {
	b.Helper()
	img, _, err := capture.LoadImageFile(filepath.Join(sharedDir(b), "faces", name))
	if err != nil {
		b.Fatal(err)
	}
	if img.Cols() == w && img.Rows() == h {
		return img
	}
	defer img.Close()
	out := gocv.NewMat()
	gocv.Resize(img, &out, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
	return out
}

// The final check of a 1920×1080 still, crop and JPEG encode included (budget 100 ms, DESIGN §3).
func BenchmarkCheckStill1080p(b *testing.B) {
	frame := loadFrame(b, "f021.jpg", 1920, 1080)
	defer frame.Close()
	c := newChecker(b, photo.Options{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := c.CheckStill(frame)
		if err != nil || !r.OK || len(r.JPEG) == 0 {
			b.Fatalf("%v %+v", err, r)
		}
	}
}

// One live guidance step on a 1280×720 preview frame (budget 10 ms, DESIGN §3).
func BenchmarkGuide720p(b *testing.B) {
	frame := loadFrame(b, "f021.jpg", 1280, 720)
	defer frame.Close()
	now := time.Unix(0, 0)
	c := newChecker(b, photo.Options{Now: func() time.Time { return now }})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(33 * time.Millisecond)
		if h := c.Guide(frame); h.Code == photo.HintNoFace {
			b.Fatalf("hint %+v", h)
		}
	}
}

func imagePt(x, y int) image.Point { return image.Pt(x, y) }

// A live step with nobody in front of the camera: the search cannot follow a face and sweeps
// the frame instead (budget 10 ms too).
func BenchmarkGuide720pEmpty(b *testing.B) {
	frame := loadFrame(b, "f058.jpg", 1280, 720)
	defer frame.Close()
	now := time.Unix(0, 0)
	c := newChecker(b, photo.Options{Now: func() time.Time { return now }})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(33 * time.Millisecond)
		if h := c.Guide(frame); h.Code != photo.HintNoFace {
			b.Fatalf("hint %+v", h)
		}
	}
}
