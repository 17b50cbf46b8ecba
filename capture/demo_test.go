package capture

import (
	"context"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/qr"
)

// The demo camera exists so that a newcomer sees the form being read: while the form is held
// up, the kiosk's live reader must read its ID within a few frames, and it must not while the
// form is lowered out of view.
func TestDemoFormIsReadWhileHeldUp(t *testing.T) {
	clock := time.Unix(0, 0)
	d, err := OpenDemo(DemoOptions{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want, err := qr.ParsePayload(DemoPayload)
	if err != nil {
		t.Fatal(err)
	}
	live := qr.NewLive()
	defer live.Close()
	frame := gocv.NewMat()
	defer frame.Close()

	held, read, lowered, readLowered := 0, 0, 0, 0
	for ms := 0; ms < int(demoCycle/time.Millisecond); ms += 200 {
		clock = time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond)
		if err := d.Read(&frame); err != nil {
			t.Fatal(err)
		}
		if frame.Cols() != 1280 || frame.Rows() != 720 {
			t.Fatalf("frame %dx%d", frame.Cols(), frame.Rows())
		}
		res, found := live.Scan(context.Background(), frame)
		ok := found && res.OK()
		if found && res.OK() && res.ID != want {
			t.Fatalf("at %d ms read %s, want the demo ID", ms, res.ID.Mask())
		}
		cycle := time.Duration(ms) * time.Millisecond
		switch {
		case cycle >= 1500*time.Millisecond && cycle < demoCycle-2*time.Second:
			held++
			if ok {
				read++
			}
		case cycle >= demoCycle-1*time.Second:
			lowered++
			if ok {
				readLowered++
			}
		}
	}
	t.Logf("held up: %d/%d frames read; lowered: %d/%d", read, held, readLowered, lowered)
	if read < held*8/10 {
		t.Errorf("only %d of %d held-up frames read", read, held)
	}
	if readLowered != 0 {
		t.Errorf("%d frames read while the form is out of view", readLowered)
	}
}

func TestDemoPacesItself(t *testing.T) {
	d, err := OpenDemo(DemoOptions{FPS: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	frame := gocv.NewMat()
	defer frame.Close()
	start := time.Now()
	for i := 0; i < 11; i++ {
		if err := d.Read(&frame); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 190*time.Millisecond {
		t.Fatalf("11 frames at 50 fps took %v, want about 200 ms", el)
	}
	d.Close()
	if err := d.Read(&frame); err == nil {
		t.Fatal("read after close must fail")
	}
}

func TestOpenSpec(t *testing.T) {
	src, err := Open("demo")
	if err != nil || src.Name() != "demo" {
		t.Fatalf("demo: %v", err)
	}
	src.Close()
	if _, err := Open(t.TempDir() + "/nothing-here"); err == nil {
		t.Fatal("want an error for a missing path")
	}
}
