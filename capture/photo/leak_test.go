//go:build matprofile

package photo_test

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/idbooth/idbooth/capture/photo"
	"gocv.io/x/gocv"
)

// 500 checks of every kind (stills with and without a face, live frames, files good and bad) must leave the number of
// open Mats where it was, and no goroutine behind. Run with:
//
//	go test -tags matprofile -run MatLeak ./capture/photo/
func TestMatLeak(t *testing.T) {
	still := loadFrame(t, "f021.jpg", 960, 540)
	defer still.Close()
	preview := loadFrame(t, "f047.jpg", 1280, 720)
	defer preview.Close()
	empty := gocv.NewMat()
	defer empty.Close()
	// A still without a face takes the second look (the frame padded).
	noFace := loadFrame(t, "f058.jpg", 960, 540)
	defer noFace.Close()
	goodFile := encodeJPEG(t, mustImage(t, still))
	badFile := goodFile[:len(goodFile)/2]

	startMats := gocv.MatProfile.Count()
	startGoroutines := runtime.NumGoroutine()
	now := time.Unix(0, 0)
	c, err := photo.NewChecker(photo.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 500; i++ {
		now = now.Add(40 * time.Millisecond)
		switch i % 5 {
		case 0:
			if r, err := c.CheckStill(still); err != nil || !r.OK {
				t.Fatalf("still %d: %v %+v", i, err, r)
			}
		case 1:
			c.Guide(preview)
		case 2:
			if r, err := c.CheckBytes(goodFile); err != nil || !r.OK {
				t.Fatalf("file %d: %v %+v", i, err, r)
			}
		case 3:
			if r, err := c.CheckBytes(badFile); err != nil || r.OK {
				t.Fatalf("bad file %d: %v %+v", i, err, r)
			}
		case 4:
			c.Guide(empty)
			c.CheckStill(empty)
			if i%25 == 4 { // the second look is slow: 20 times is enough
				if r, err := c.CheckStill(noFace); err != nil || r.OK {
					t.Fatalf("no face %d: %v %+v", i, err, r)
				}
			}
		}
	}
	c.Close()
	if n := gocv.MatProfile.Count(); n != startMats {
		var b bytes.Buffer
		gocv.MatProfile.WriteTo(&b, 1)
		t.Fatalf("%d Mats open after 500 checks, %d before:\n%s", n, startMats, b.String())
	}
	time.Sleep(50 * time.Millisecond)
	if n := runtime.NumGoroutine(); n > startGoroutines {
		t.Errorf("%d goroutines after, %d before", n, startGoroutines)
	}
}
