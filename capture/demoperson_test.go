package capture_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/photo"
)

// At the photo step the demo camera shows a person the kiosk's own check accepts once they
// stand in place, and the live hint guides them there first: a newcomer running `make run` sees
// the whole application through.
func TestDemoPersonIsGuidedThenAccepted(t *testing.T) {
	clock := time.Unix(0, 0)
	now := func() time.Time { return clock }
	d, err := capture.OpenDemo(capture.DemoOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SetStage(capture.StagePerson)
	d.WaitForPerson() // the cut-out runs in the background
	checker, err := photo.NewChecker(photo.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer checker.Close()
	frame := gocv.NewMat()
	defer frame.Close()

	var hints []photo.HintCode
	for ms := 0; ms <= 6000; ms += 40 {
		clock = time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond)
		if err := d.Read(&frame); err != nil {
			t.Fatal(err)
		}
		h := checker.Guide(frame)
		if len(hints) == 0 || hints[len(hints)-1] != h.Code {
			hints = append(hints, h.Code)
		}
		if ms == 0 || ms == 6000 {
			gocv.IMWrite(filepath.Join(os.TempDir(), "idbooth-demo-person-"+map[bool]string{true: "start", false: "end"}[ms == 0]+".png"), frame)
		}
	}
	t.Logf("live hints while stepping in: %v", hints)
	if len(hints) < 2 || hints[0] == photo.HintReady || hints[len(hints)-1] != photo.HintReady {
		t.Errorf("hints %v: want guidance first, ready at the end", hints)
	}
	res, err := checker.CheckStill(frame)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.JPEG) == 0 {
		t.Fatalf("the demo person in place is refused: %v", res.Codes())
	}
}

// One frame of the demo camera's photo step (the person composited on the backdrop).
func BenchmarkDemoPersonFrame(b *testing.B) {
	clock := time.Unix(0, 0)
	d, err := capture.OpenDemo(capture.DemoOptions{Now: func() time.Time { return clock }})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	d.SetStage(capture.StagePerson)
	d.WaitForPerson()
	frame := gocv.NewMat()
	defer frame.Close()
	for b.Loop() {
		clock = clock.Add(40 * time.Millisecond)
		d.Read(&frame)
	}
}
