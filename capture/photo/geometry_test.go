package photo

import (
	"math"
	"testing"
)

// planCrop on hand-made heads: the chosen crop obeys every millimetre of the rule, and when
// no crop fits, the shortfall names the right problem.
func TestPlanCrop(t *testing.T) {
	cases := []struct {
		name  string
		hd    head
		w, h  int
		fits  bool
		short cropShortfall
	}{
		{"centred", head{CrownY: 300, ChinY: 800, CenterX: 960}, 1920, 1080, true, shortNone},
		{"near the left but croppable", head{CrownY: 300, ChinY: 800, CenterX: 340}, 1920, 1080, true, shortNone},
		{"too near the left", head{CrownY: 300, ChinY: 800, CenterX: 200}, 1920, 1080, false, shortSide},
		{"head fills the frame", head{CrownY: 20, ChinY: 1040, CenterX: 960}, 1920, 1080, false, shortSize},
		{"crown at the top", head{CrownY: 3, ChinY: 600, CenterX: 960}, 1920, 1080, false, shortTop},
		{"chin at the bottom", head{CrownY: 500, ChinY: 1070, CenterX: 960}, 1920, 1080, false, shortBottom},
		{"small head, big frame", head{CrownY: 800, ChinY: 980, CenterX: 960}, 1920, 1080, true, shortNone},
	}
	for _, tc := range cases {
		p := planCrop(tc.hd, tc.w, tc.h, 0)
		if p.Fits != tc.fits || p.Short != tc.short {
			t.Errorf("%s: fits %v short %d (spare %.1f), want %v %d", tc.name, p.Fits, p.Short, p.Spare, tc.fits, tc.short)
			continue
		}
		if math.Abs(p.W/p.H-photoW/photoH) > 1e-9 {
			t.Errorf("%s: crop %.1fx%.1f is not 35:45", tc.name, p.W, p.H)
		}
		if !p.Fits {
			continue
		}
		if p.X < 0 || p.Y < 0 || p.X+p.W > float64(tc.w) || p.Y+p.H > float64(tc.h) {
			t.Errorf("%s: crop %+v leaves the frame", tc.name, p)
		}
		ppm := p.H / photoH
		headMM := (tc.hd.ChinY - tc.hd.CrownY) / ppm
		top := (tc.hd.CrownY - p.Y) / ppm
		bottom := (p.Y + p.H - tc.hd.ChinY) / ppm
		off := (tc.hd.CenterX - (p.X + p.W/2)) / ppm
		const eps = 1e-6
		if headMM < headMinMM-eps || headMM > headMaxMM+eps || top < topMinMM-eps || top > topMaxMM+eps ||
			bottom < bottomMinMM-eps || bottom > bottomMaxMM+eps || math.Abs(off) > eps {
			t.Errorf("%s: head %.2f mm, top %.2f, bottom %.2f, offset %.2f break the rule", tc.name, headMM, top, bottom, off)
		}
	}
	// The tolerance lets a crop rise a little above the frame, and only above it.
	tight := head{CrownY: 20, ChinY: 600, CenterX: 960}
	if p := planCrop(tight, 1920, 1080, 0); p.Fits {
		t.Errorf("crown 20 px from the top needs %.1f px above it: must not fit without tolerance", 2*580/headMaxMM)
	}
	if p := planCrop(tight, 1920, 1080, 20); !p.Fits || p.Y >= 0 {
		t.Errorf("with 20 px of tolerance: %+v", p)
	}
}
