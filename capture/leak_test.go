//go:build matprofile

package capture

import (
	"image/color"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/internal/testsupport"
)

// Run with -tags matprofile: the demo camera, a still folder and image decoding, read many
// times and closed, leave no Mat open.
func TestSourcesCloseMats(t *testing.T) {
	start := gocv.MatProfile.Count()
	frame := gocv.NewMat()
	clock := time.Unix(0, 0)
	d, err := OpenDemo(DemoOptions{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		clock = clock.Add(time.Second)
		if err := d.Read(&frame); err != nil {
			t.Fatal(err)
		}
		switch i {
		case 10:
			d.SetStage(StagePerson)
		case 11:
			d.WaitForPerson()
		case 30:
			d.SetStage(StageForm)
		}
	}
	d.Reopen()
	d.Close()
	// Closed while the person is still being cut out.
	d, _ = OpenDemo(DemoOptions{})
	d.SetStage(StagePerson)
	d.Close()

	dir := t.TempDir()
	img := solid(32, 24, color.RGBA{1, 2, 3, 255})
	gocv.IMWrite(dir+"/a.png", img)
	img.Close()
	s, err := OpenStillDir(dir, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		s.Read(&frame)
		time.Sleep(time.Millisecond)
	}
	s.Close()
	for _, data := range [][]byte{nil, []byte("text"), testsupport.PNGHeader(30000, 30000)} {
		m, _, _ := DecodeImage(data)
		m.Close()
	}
	frame.Close()
	if n := gocv.MatProfile.Count(); n != start {
		t.Fatalf("%d Mats left open", n-start)
	}
}
