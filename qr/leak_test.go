//go:build matprofile

package qr

import (
	"context"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// Run with -tags matprofile: every Mat a decode (full or live, every stage of the live reader,
// the module reader, the frames it follows) creates is closed, on reads and on misses.
func TestDecodeClosesMats(t *testing.T) {
	var frames []func() gocv.Mat
	for _, c := range formCases(t)[:12] {
		frames = append(frames, func() gocv.Mat { return loadImage(t, c.file) })
	}
	for _, c := range everyNth(hardFrames(t), 16) {
		frames = append(frames, func() gocv.Mat { return c.frame(t) })
	}
	frames = append(frames, func() gocv.Mat { return blankedFrame(t) })
	r := NewReader()
	defer r.Close()
	l := NewLive()
	defer l.Close()
	l.budget = time.Hour // every stage runs
	for i, load := range frames {
		m := load()
		before := gocv.MatProfile.Count()
		r.Decode(context.Background(), m)
		for j := 0; j < 2*trackGiveUp; j++ {
			l.Scan(context.Background(), m)
		}
		if n := gocv.MatProfile.Count(); n != before {
			t.Errorf("frame %d: %d Mats leaked", i, n-before)
		}
		m.Close()
	}
}

func everyNth(cs []hardCase, n int) []hardCase {
	var out []hardCase
	for i := 0; i < len(cs); i += n {
		out = append(out, cs[i])
	}
	return out
}
