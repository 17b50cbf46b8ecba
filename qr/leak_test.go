//go:build matprofile

package qr

import (
	"context"
	"testing"

	"github.com/idbooth/idbooth/capture"
	"gocv.io/x/gocv"
)

// Run with -tags matprofile: every Mat a decode creates is closed, on reads and on misses.
func TestDecodeClosesMats(t *testing.T) {
	var files []string
	for _, c := range formCases(t)[:12] {
		files = append(files, c.file)
	}
	r := NewReader()
	defer r.Close()
	for _, f := range files {
		m, _, err := capture.LoadImageFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before := gocv.MatProfile.Count()
		r.Decode(context.Background(), m)
		if n := gocv.MatProfile.Count(); n != before {
			t.Errorf("%s: %d Mats leaked", f, n-before)
		}
		m.Close()
	}
}
