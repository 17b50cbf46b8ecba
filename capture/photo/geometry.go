package photo

import (
	"image"
	"math"
)

// The photo's geometry in millimetres (DESIGN §1: J-LIS photo, Japanese passport rule).
const (
	photoW         = 35.0
	photoH         = 45.0
	headMinMM      = 32.0 // top of head to chin
	headMaxMM      = 36.0
	headPreferMM   = 34.0
	topMinMM       = 2.0 // above the head
	topMaxMM       = 6.0
	topPreferMM    = 4.0
	bottomMinMM    = 5.0 // chin to the bottom edge
	bottomMaxMM    = 9.0
	geometryRule   = "J-LIS 35×45 mm; passport geometry: head 32–36 mm, 2–6 mm above, 5–9 mm below, centre ±2 mm"
	cropSearchStep = 0.25 // mm of head height between candidate crops
)

// head is the measured head in frame pixels: the top of the hair (or covering), the chin and
// the face's centre line.
type head struct {
	CrownY, ChinY, CenterX float64
	// Left and Right bound the head's width (ears or hair), for the in-frame check.
	Left, Right float64
}

// A cropPlan is the 35:45 crop chosen for a head in a frame.
type cropPlan struct {
	// Rect is the crop in frame pixels. When Fits is false it is the preferred crop, which
	// leaves the frame.
	X, Y, W, H float64
	Fits       bool
	// Spare is how far (pixels) the best compliant crop stays inside the frame: negative when
	// none fits, by that much.
	Spare float64
	// HeadMM, TopMM, BottomMM, OffsetMM describe the chosen crop in photo millimetres.
	HeadMM, TopMM, BottomMM, OffsetMM float64
	// Why no compliant crop fits, when it does not: which limit is most violated.
	Short cropShortfall
}

type cropShortfall int

const (
	shortNone   cropShortfall = iota
	shortTop                  // not enough room above the head
	shortBottom               // not enough room below the chin
	shortSide                 // not enough room beside a centred crop
	shortSize                 // even the tightest crop is larger than the frame
)

// Rect is the crop rounded to whole pixels.
func (c cropPlan) Rect() image.Rectangle {
	return image.Rect(int(math.Round(c.X)), int(math.Round(c.Y)), int(math.Round(c.X+c.W)), int(math.Round(c.Y+c.H)))
}

// planCrop finds the compliant 35:45 crop closest to the preferred geometry (head 34 mm, 4 mm
// above) that fits in a w×h frame, allowing the crop to rise above the frame's top by tol
// pixels. The crop is always centred on the face: the rule's ±2 mm is kept for the error of
// the face centre itself. It tries every head height from 32 to 36 mm; for each, the rule
// leaves an interval of vertical positions, and the frame cuts it down.
func planCrop(hd head, w, h int, tol float64) cropPlan {
	headPx := hd.ChinY - hd.CrownY
	best := cropPlan{Spare: math.Inf(-1)}
	bestCost := math.Inf(1)
	for mm := headMinMM; mm <= headMaxMM+1e-9; mm += cropSearchStep {
		c := headPx * photoH / mm // crop height in pixels
		pxPerMM := c / photoH
		cw := photoW * pxPerMM
		// Vertical: crop top y so that the margins above the crown and below the chin hold.
		yLo := math.Max(hd.CrownY-topMaxMM*pxPerMM, hd.ChinY+bottomMinMM*pxPerMM-c)
		yHi := math.Min(hd.CrownY-topMinMM*pxPerMM, hd.ChinY+bottomMaxMM*pxPerMM-c)
		// Horizontal: centred on the face.
		xMid := hd.CenterX - cw/2
		xLo, xHi := xMid, xMid
		// What the frame allows.
		fyLo, fyHi := -tol, float64(h)-c
		fxLo, fxHi := 0.0, float64(w)-cw
		// Slack of each side of the problem (negative: violated by that many pixels).
		slackTop := yHi - fyLo    // room to move the crop up to the frame top
		slackBottom := fyHi - yLo // room below
		slackSide := math.Min(xHi-fxLo, fxHi-xLo)
		slackSize := math.Min(fyHi-fyLo, fxHi-fxLo)
		spare := math.Min(math.Min(slackTop, slackBottom), math.Min(slackSide, slackSize))
		y := clamp(hd.CrownY-topPreferMM*pxPerMM, math.Max(yLo, fyLo), math.Min(yHi, fyHi))
		x := clamp(xMid, math.Max(xLo, fxLo), math.Min(xHi, fxHi))
		fits := spare >= 0
		cost := math.Abs(mm-headPreferMM) + math.Abs((hd.CrownY-y)/pxPerMM-topPreferMM)/4 + math.Abs(x-xMid)/pxPerMM/4
		better := false
		switch {
		case fits && !best.Fits:
			better = true
		case fits == best.Fits && fits:
			better = cost < bestCost
		case !fits && !best.Fits:
			better = spare > best.Spare
		}
		if !better {
			continue
		}
		bestCost = cost
		best = cropPlan{X: x, Y: y, W: cw, H: c, Fits: fits, Spare: spare, HeadMM: mm,
			TopMM: (hd.CrownY - y) / pxPerMM, BottomMM: (y + c - hd.ChinY) / pxPerMM, OffsetMM: (hd.CenterX - (x + cw/2)) / pxPerMM}
		switch {
		case fits:
			best.Short = shortNone
		case slackSize < 0:
			best.Short = shortSize
		case spare == slackTop:
			best.Short = shortTop
		case spare == slackBottom:
			best.Short = shortBottom
		default:
			best.Short = shortSide
		}
	}
	if !best.Fits {
		// Report the preferred crop itself: where the photo would be if the frame were larger.
		c := headPx * photoH / headPreferMM
		cw := c * photoW / photoH
		best.X, best.Y, best.W, best.H = hd.CenterX-cw/2, hd.CrownY-topPreferMM*c/photoH, cw, c
		best.HeadMM, best.TopMM, best.OffsetMM = headPreferMM, topPreferMM, 0
		best.BottomMM = photoH - headPreferMM - topPreferMM
	}
	return best
}

func clamp(v, lo, hi float64) float64 {
	if lo > hi {
		return (lo + hi) / 2
	}
	return math.Max(lo, math.Min(hi, v))
}
