//go:build matprofile

package formgen_test

import (
	"testing"

	"github.com/idbooth/idbooth/internal/formgen"
	"gocv.io/x/gocv"
)

// Run with -tags matprofile: scenes and frames close every Mat they make.
func TestFramesCloseMats(t *testing.T) {
	page, err := formgen.Form(payloads[0].payload, formgen.FormOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := gocv.MatProfile.Count()
	for i := 0; i < 3; i++ {
		if _, err := formgen.Frame(page, formgen.FrameOptions{Blur: 1, Noise: 3, JPEGQuality: 70, Seed: uint64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := gocv.MatProfile.Count(); n != before {
		t.Errorf("%d Mats leaked", n-before)
	}
}
