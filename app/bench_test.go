package app

import (
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/capture"
)

// The preview of one 1280×720 camera frame: scaled, mirrored, the face guide drawn, converted
// for the screen. It runs 25 times a second beside the live hint.
func BenchmarkPreviewFrame(b *testing.B) {
	clock := time.Unix(0, 0)
	d, err := capture.OpenDemo(capture.DemoOptions{Now: func() time.Time { return clock }})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	frame := gocv.NewMat()
	defer frame.Close()
	clock = clock.Add(5 * time.Second)
	d.Read(&frame)
	conv := newPreviewConverter()
	defer conv.Close()
	for b.Loop() {
		conv.Convert(frame, guideFaceReady)
	}
}
