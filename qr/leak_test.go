//go:build matprofile

package qr

import (
	"context"
	"testing"

	"gocv.io/x/gocv"
)

// Run with -tags matprofile: every Mat a decode (full or live, every rescue turn) creates is
// closed, on reads and on misses.
func TestDecodeClosesMats(t *testing.T) {
	var files []string
	for _, c := range formCases(t)[:12] {
		files = append(files, c.file)
	}
	r := NewReader()
	defer r.Close()
	l := NewLive()
	defer l.Close()
	for _, f := range files {
		m := loadImage(t, f)
		before := gocv.MatProfile.Count()
		r.Decode(context.Background(), m)
		for i := 0; i < len(liveRescue); i++ {
			l.Scan(context.Background(), m)
		}
		if n := gocv.MatProfile.Count(); n != before {
			t.Errorf("%s: %d Mats leaked", f, n-before)
		}
		m.Close()
	}
}
