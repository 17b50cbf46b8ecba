package photo_test

import (
	"testing"
	"time"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/capture/photo"
	"gocv.io/x/gocv"
)

// Each framing problem a person can fix gets its own hint, on 1280×720 preview frames made
// from an accepted camera frame; the good frame gets "ready".
func TestGuideHints(t *testing.T) {
	src := loadFrame(t, "f021.jpg", 1920, 1080)
	defer src.Close()
	const crown, chin, face = 216.8, 810.8, 960.0
	head, mid := chin-crown, (crown+chin)/2
	now := time.Unix(0, 0)
	c := newChecker(t, photo.Options{Now: func() time.Time { return now }})
	cases := []struct {
		name string
		img  gocv.Mat
		want photo.HintCode
	}{
		{"good", transform(src, 1, 0, face, mid, face, mid), photo.HintReady},
		{"far", transform(src, 0.2*1080/head, 0, face, mid, 960, 700), photo.HintComeCloser},
		{"near", transform(src, 0.95*1080/head, 0, face, mid, 960, 540), photo.HintMoveBack},
		// The face on the image's left: the person stands to their right and should move left.
		{"image left", transform(src, 1, 0, face, mid, 420, mid), photo.HintMoveLeft},
		{"image right", transform(src, 1, 0, face, mid, 1500, mid), photo.HintMoveRight},
		{"hair above the top", transform(src, 1, 0, face, crown, face, -20), photo.HintMoveDown},
		{"tilted", transform(src, 1, 15, face, mid, face, mid), photo.HintHeadStraight},
		{"dark", gamma(src, 0.06), photo.HintLighting},
	}
	for _, tc := range cases {
		preview := gocv.NewMat()
		gocv.Resize(tc.img, &preview, imagePt(1280, 720), 0, 0, gocv.InterpolationArea)
		c.ResetGuide()
		var h photo.Hint
		for i := 0; i < 5; i++ { // a few frames: the hint must be steady, and right
			now = now.Add(40 * time.Millisecond)
			h = c.Guide(preview)
		}
		if h.Code != tc.want || !assets.Messages("en").Has(h.MessageKey()) || h.Ready != (tc.want == photo.HintReady) {
			t.Errorf("%s: hint %+v, want %s", tc.name, h, tc.want)
		}
		preview.Close()
		tc.img.Close()
	}
	empty := gocv.NewMat()
	defer empty.Close()
	if h := c.Guide(empty); h.Code != photo.HintNoFace {
		t.Errorf("empty frame: %+v", h)
	}
}

// The shown hint does not flicker: a single odd frame does not change it, a new hint takes
// over only once it wins most recent frames and the old one has been shown long enough.
func TestGuideIsSteady(t *testing.T) {
	good := loadFrame(t, "f021.jpg", 1280, 720)
	defer good.Close()
	blank := gocv.NewMatWithSize(720, 1280, gocv.MatTypeCV8UC3)
	defer blank.Close()
	now := time.Unix(0, 0)
	c := newChecker(t, photo.Options{Now: func() time.Time { return now }})
	step := func(m gocv.Mat) photo.HintCode {
		now = now.Add(40 * time.Millisecond)
		return c.Guide(m).Code
	}
	for i := 0; i < 20; i++ {
		step(good)
	}
	if h := step(good); h != photo.HintReady {
		t.Fatalf("steady good frames: %s", h)
	}
	// One frame without a face (a blink of the camera) changes nothing.
	if h := step(blank); h != photo.HintReady {
		t.Errorf("after one empty frame: %s", h)
	}
	if h := step(good); h != photo.HintReady {
		t.Errorf("back to good: %s", h)
	}
	// The person leaves: within a second the hint says so, and not on the first frame.
	changedAfter := -1
	for i := 0; i < 25; i++ {
		if step(blank) == photo.HintNoFace {
			changedAfter = i
			break
		}
	}
	if changedAfter < 2 || changedAfter > 20 {
		t.Errorf("hint changed after %d empty frames, want after a few, within a second", changedAfter)
	}
}
