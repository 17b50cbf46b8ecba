package photo

import (
	"image"
	"math"
	"time"

	"github.com/idbooth/idbooth/capture/face"
	"gocv.io/x/gocv"
)

// A HintCode is one instruction of the live guidance. Left and right are the person's own
// (the camera faces them): MoveLeft means "move to your left", however the screen mirrors the
// preview.
type HintCode string

const (
	HintNoFace       HintCode = "no_face"       // step in front of the camera
	HintOnePerson    HintCode = "one_person"    // only one person in the picture
	HintComeCloser   HintCode = "come_closer"   // the head is too small
	HintMoveBack     HintCode = "move_back"     // the head is too large or cut off all round
	HintMoveLeft     HintCode = "move_left"     // to the person's own left
	HintMoveRight    HintCode = "move_right"    // to the person's own right
	HintMoveUp       HintCode = "move_up"       // sit up / raise the head in the frame
	HintMoveDown     HintCode = "move_down"     // lower the head in the frame
	HintLookStraight HintCode = "look_straight" // turned or tipped head
	HintHeadStraight HintCode = "head_straight" // tilted head
	HintRemoveHat    HintCode = "remove_hat"    // head covering
	HintShowEyes     HintCode = "show_eyes"     // sunglasses, hair or glare over the eyes
	HintUncoverFace  HintCode = "uncover_face"  // hand or object over the face
	HintLighting     HintCode = "lighting"      // too dark or too bright: staff should check the light
	HintHoldStill    HintCode = "hold_still"    // blurred
	HintReady        HintCode = "ready"         // all good: hold still for the photo
)

// A Hint is the single most useful instruction for the current preview frame.
type Hint struct {
	Code HintCode `json:"code"`
	// Ready is true when the framing is good enough to take the still.
	Ready bool `json:"ready"`
	// Face is the tracked face box in frame pixels (empty when none), to draw a guide.
	Face image.Rectangle `json:"face"`
}

// MessageKey is the translation key of the hint (assets/i18n/*/photo.json).
func (h Hint) MessageKey() string { return "photo.hint." + string(h.Code) }

// Live guidance settings. A hint is shown only once it has won most of the recent frames, and
// stays at least minHold, so the message does not flicker while the person moves.
const (
	liveShortSide = 360                    // preview frames are analysed at this height
	hintWindow    = 700 * time.Millisecond // frames voting for the next hint
	minHold       = 600 * time.Millisecond // a shown hint stays at least this long
	headTooSmall  = 0.35                   // head height under this share of the frame: come closer
	headTooLarge  = 0.70                   // over this: move back
	offCentre     = 0.12                   // face centre further than this share of the width: move
	trackEvery    = 6                      // the whole frame instead of the face's window every this many frames
)

type vote struct {
	at   time.Time
	code HintCode
}

// guide keeps the live state: the tracked face and the recent votes.
type guide struct {
	c       *Checker
	small   gocv.Mat
	tracked *face.Face // in small-frame pixels
	sweep   face.Sweep
	search  int // frames searched in a row without a face, to take the tiles in turn
	frames  int
	votes   []vote
	shown   HintCode
	since   time.Time
}

func newGuide(c *Checker) *guide { return &guide{c: c, small: gocv.NewMat()} }

func (g *guide) close() { g.small.Close() }

// Guide analyses one preview frame (BGR) and returns the hint to show now. It is cheap: the
// frame is scaled down, the face is tracked from the previous frame, and only the measures a
// person can act on are run. Call ResetGuide when a new person starts.
func (c *Checker) Guide(frame gocv.Mat) Hint {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.detector == nil || frame.Empty() || frame.Type() != gocv.MatTypeCV8UC3 {
		return c.hint(HintNoFace, image.Rectangle{})
	}
	g := c.guide
	now := c.opts.Now()
	code, box := g.analyse(frame)
	return c.hint(g.steady(now, code), box)
}

// ResetGuide forgets the tracked face and the recent hints (a new person, or the camera
// was reopened).
func (c *Checker) ResetGuide() {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.guide
	g.tracked, g.votes, g.shown, g.frames, g.search = nil, nil, "", 0, 0
}

func (c *Checker) hint(code HintCode, box image.Rectangle) Hint {
	return Hint{Code: code, Ready: code == HintReady, Face: box}
}

// analyse finds the hint this frame asks for, without smoothing.
func (g *guide) analyse(frame gocv.Mat) (HintCode, image.Rectangle) {
	scale := math.Min(1, float64(liveShortSide)/float64(min(frame.Cols(), frame.Rows())))
	sz := image.Pt(max(1, int(math.Round(float64(frame.Cols())*scale))), max(1, int(math.Round(float64(frame.Rows())*scale))))
	gocv.Resize(frame, &g.small, sz, 0, 0, gocv.InterpolationArea)
	g.frames++
	faces, err := g.detect()
	if err != nil || len(faces) == 0 {
		g.tracked = nil
		return HintNoFace, image.Rectangle{}
	}
	g.tracked, g.search = &faces[0], 0
	box := faces[0].Rect()
	box = image.Rect(int(float64(box.Min.X)/scale), int(float64(box.Min.Y)/scale), int(float64(box.Max.X)/scale), int(float64(box.Max.Y)/scale))
	s, err := newSession(g.small, faces, nil, analyseLive, g.c.opts)
	if err != nil || !s.HasFace {
		return HintNoFace, box
	}
	return liveHint(s), box
}

// detect runs the face model once on the small frame, so that every frame costs the same.
// While a face is tracked it looks in the window framing that face at the model's best scale,
// and every trackEvery frames over the whole frame instead, where a second person stepping in
// shows (the tracked face carries over if that coarser look misses it). When the face is
// first missing (a new person, or the face lost) one frame searches every coarse window and a
// few finer ones; while nobody is there, it looks over the whole frame every other frame, and
// in between at the tiles of the two finer levels in turn, so that a person far away is found
// within a few seconds.
func (g *guide) detect() ([]face.Face, error) {
	det := g.c.detector
	w, h := g.small.Cols(), g.small.Rows()
	whole := face.Tiles(w, h, max(w, h))[0]
	if g.tracked != nil {
		prev := *g.tracked
		if g.frames%trackEvery != 0 {
			return det.DetectIn(g.small, face.Window(prev))
		}
		faces, err := det.DetectIn(g.small, whole)
		if err != nil {
			return nil, err
		}
		for _, f := range faces {
			if overlaps(f, prev) {
				return faces, nil
			}
		}
		return append([]face.Face{prev}, faces...), nil
	}
	g.search++
	switch {
	case g.search == 1:
		return det.DetectSweep(g.small, &g.sweep)
	case g.search%2 == 0:
		return det.DetectIn(g.small, whole)
	}
	tiles := append(face.Tiles(w, h, min(w, h)), face.Tiles(w, h, min(w, h)/2)...)
	return det.DetectIn(g.small, tiles[(g.search/2)%len(tiles)])
}

// overlaps reports whether two detections are of the same face: their boxes overlap by more
// than a third of the smaller one.
func overlaps(a, b face.Face) bool {
	x0, y0 := math.Max(a.X, b.X), math.Max(a.Y, b.Y)
	x1, y1 := math.Min(a.X+a.W, b.X+b.W), math.Min(a.Y+a.H, b.Y+b.H)
	if x1 <= x0 || y1 <= y0 {
		return false
	}
	return (x1-x0)*(y1-y0) > math.Min(a.W*a.H, b.W*b.H)/3
}

// liveHint picks the one instruction that helps most, in the order a person can act on:
// who is in the picture, where they stand, what covers the face, how they hold the head,
// then the light and stillness.
func liveHint(s *Session) HintCode {
	if len(s.Faces) > 1 {
		return HintOnePerson
	}
	hd := s.Head
	headH := hd.ChinY - hd.CrownY
	switch {
	case s.CrownAtEdge && hd.ChinY > float64(s.H):
		return HintMoveBack
	case headH > headTooLarge*float64(s.H) || (!s.Plan.Fits && s.Plan.Short == shortSize):
		return HintMoveBack
	case s.CrownAtEdge || (!s.Plan.Fits && s.Plan.Short == shortTop):
		return HintMoveDown
	case hd.ChinY > float64(s.H) || (!s.Plan.Fits && s.Plan.Short == shortBottom):
		return HintMoveUp
	case headH < headTooSmall*float64(s.H):
		return HintComeCloser
	}
	// The camera faces the person: a face on the image's left is on the person's right, so
	// they should move to their own left.
	if off := (hd.CenterX - float64(s.W)/2) / float64(s.W); math.Abs(off) > offCentre || (!s.Plan.Fits && s.Plan.Short == shortSide) {
		if off < 0 {
			return HintMoveLeft
		}
		return HintMoveRight
	}
	for _, m := range []Measure{headCovering{}, eyesVisible{}, hairOverEye{}, occlusion{}, yaw{}, pitch{}, roll{}, exposure{}, sharpness{}} {
		r := m.Measure(s)
		if !r.Failed {
			continue
		}
		switch r.Code {
		case HeadCovering:
			return HintRemoveHat
		case EyesNotVisible:
			return HintShowEyes
		case FaceOccluded:
			return HintUncoverFace
		case NotFrontal:
			return HintLookStraight
		case HeadTilted:
			return HintHeadStraight
		case TooDark, TooBright:
			return HintLighting
		case Blurry:
			return HintHoldStill
		}
	}
	return HintReady
}

// steady turns the per-frame hints into the hint to show: the most frequent hint of the last
// hintWindow replaces the shown one only after the shown one has stood for minHold.
func (g *guide) steady(now time.Time, code HintCode) HintCode {
	g.votes = append(g.votes, vote{now, code})
	cut := 0
	for cut < len(g.votes) && now.Sub(g.votes[cut].at) > hintWindow {
		cut++
	}
	g.votes = g.votes[cut:]
	counts := map[HintCode]int{}
	best, bestN := code, 0
	for _, v := range g.votes {
		counts[v.code]++
	}
	for _, v := range g.votes { // first-seen order breaks ties deterministically
		if n := counts[v.code]; n > bestN {
			best, bestN = v.code, n
		}
	}
	if g.shown == "" {
		g.shown, g.since = best, now
		return best
	}
	if best != g.shown && 2*bestN > len(g.votes) && now.Sub(g.since) >= minHold {
		g.shown, g.since = best, now
	}
	return g.shown
}
