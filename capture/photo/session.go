package photo

import (
	"math"
	"sort"

	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/face"
	"gocv.io/x/gocv"
)

// Proportions of a face in units of the eye-to-mouth distance u, from anthropometry and the
// labelled frames of ../shared/testdata (two people: chin 1.33u and 1.88u below the eyes;
// hair 1.5u–1.8u above them).
const (
	chinBelowEyesU   = 1.55 // chin estimate where no chin edge is found: the model gives no chin point
	crownAboveEyesU  = 1.65 // crown estimate where the top of the head cannot be seen
	crownMinAboveU   = 1.15 // a bald head still rises this far above the eyes
	crownMaxAboveU   = 3.1  // hair or a covering higher than this is not a head
	viewUnitStill    = 64.0 // view pixels per u for stills
	viewUnitLive     = 32.0 // and for live preview frames
	relevantFaceSize = 0.6  // a face smaller than this × the main face is scenery behind it
)

// A Session is the shared analysis of one photo: faces, landmarks, the upright view around
// the face, the background colour, the top of the head, the person's silhouette and the crop.
// Measures read it; they never change it.
type Session struct {
	W, H int
	// Info describes the file the photo came from; nil for camera frames.
	Info *capture.ImageInfo
	// Faces are the faces that matter (largest first); Minor are much smaller ones (people far
	// behind), which only make the background busy.
	Faces []face.Face
	Minor []face.Face
	// Face is the main face (Faces[0]) when there is one.
	Face    face.Face
	HasFace bool

	Eye  point   // eye midpoint, frame pixels
	Roll float64 // degrees
	EMD  float64 // eye-to-mouth distance, frame pixels

	v *view

	// Background colour, from the view's sides above the eyes and above the head.
	Bg        lab
	BgSpread  float64 // median ΔE of those samples from Bg
	BgSamples int
	bgOK      bool

	// Head in view pixels (y down): crown (top of hair or covering) and chin.
	crownV, chinV float64
	CrownSeen     bool // the crown was found against the background, not estimated
	CrownAtEdge   bool // the head reaches the top edge of the frame
	ChinSeen      bool // the chin's edge was found, not estimated
	// FaceInFrame: the face box (ear to ear, brows to chin) lies inside the frame; when it does
	// not, the landmarks of the hidden part are guesses and pose or eye measures are skipped.
	FaceInFrame bool
	Head        head // in frame pixels
	Plan        cropPlan

	// Skin is the face's skin colour (nose and cheeks).
	Skin   lab
	skinOK bool
	// exposure of the face and the scene (exposureOK false when the face is outside the frame).
	exposure   faceExposure
	exposureOK bool

	person []bool // view pixels of the person (silhouette grown from the face)
	bgMask []bool // view pixels of background inside the crop, above the chin
	// BgArea is the number of background pixels in bgMask.
	BgArea int
	// Blockiness is how much the JPEG block grid shows on the face (1: not at all; 0: not
	// measured).
	Blockiness float64

	opts Options
}

// Session depths: a live preview needs the face, head and crop; a still also needs the person's
// silhouette and the background around it.
const (
	analyseLive = iota
	analyseStill
)

// newSession analyses frame (BGR) at the given depth. faces come from the detector.
func newSession(frame gocv.Mat, faces []face.Face, info *capture.ImageInfo, depth int, opts Options) (*Session, error) {
	unit := viewUnitStill
	if depth == analyseLive {
		unit = viewUnitLive
	}
	s := &Session{W: frame.Cols(), H: frame.Rows(), Info: info, opts: opts}
	for _, f := range faces {
		if len(s.Faces) == 0 || f.Size() >= relevantFaceSize*s.Faces[0].Size() {
			s.Faces = append(s.Faces, f)
		} else {
			s.Minor = append(s.Minor, f)
		}
	}
	if len(s.Faces) == 0 {
		return s, nil
	}
	s.Face, s.HasFace = s.Faces[0], true
	f := s.Face
	e := f.EyeCenter()
	s.Eye = point{e.X, e.Y}
	s.Roll = f.Roll()
	m := f.Landmarks[face.Mouth]
	s.EMD = math.Hypot(m.X-e.X, m.Y-e.Y)
	// A turned or tilted-back face shortens the eye–mouth line; the box size keeps the scale
	// sane when the landmarks collapse.
	s.EMD = math.Max(s.EMD, 0.3*f.Size())
	v, err := newView(frame, s.Eye, s.Roll, s.EMD, unit, depth == analyseStill)
	if err != nil {
		return nil, err
	}
	s.v = v
	s.findBackground()
	s.findSkin()
	s.exposure, s.exposureOK = s.measureExposure()
	s.findCrown()
	s.chinV = v.eyeV.Y + chinBelowEyesU*v.unit
	if y, ok := s.findChin(); ok {
		s.chinV, s.ChinSeen = y, true
	}
	s.Head = s.headInFrame()
	s.FaceInFrame = s.Head.Left >= 0 && s.Head.Right <= float64(s.W) && f.Y >= 0 && f.Y+f.H <= float64(s.H)
	s.Plan = planCrop(s.Head, s.W, s.H, cropTolerance(s.Head))
	if depth == analyseStill {
		s.findPerson()
		s.findBackgroundMask()
		s.Blockiness = blockiness(frame, f.Rect())
	}
	return s, nil
}

// cropTolerance is how far the crop may rise above the frame's top edge, filled by repeating
// that edge (plain background above the head): one millimetre of the photo, about what the
// crown measurement itself can be trusted to. Hair touching the edge is refused anyway.
func cropTolerance(hd head) float64 {
	return 1.0 * (hd.ChinY - hd.CrownY) / headPreferMM
}

// findBackground estimates the background colour from the view's regions that are background
// on any ordinary portrait: beside the head above the eyes, and high above the head.
func (s *Session) findBackground() {
	v := s.v
	u := v.unit
	// The view's L*, a*, b* come from 8-bit CIELAB: their medians are read off histograms of
	// the 8-bit levels.
	var hl, ha, hb [256]int
	var idx []int
	for y := 0; y < v.h; y++ {
		fy := float64(y)
		for x := 0; x < v.w; x++ {
			i := y*v.w + x
			if !v.valid[i] {
				continue
			}
			dx := math.Abs(float64(x) - v.eyeV.X)
			if (fy < v.eyeV.Y-0.3*u && dx > 1.9*u) || fy < v.eyeV.Y-crownMaxAboveU*u {
				hl[level8(v.ls[i]*(255.0/100))]++
				ha[level8(v.as[i]+128)]++
				hb[level8(v.bs[i]+128)]++
				idx = append(idx, i)
			}
		}
	}
	s.BgSamples = len(idx)
	if len(idx) < int(0.05*u*u) {
		return
	}
	s.Bg = lab{float64(float32(histMedian(hl[:])) * (100.0 / 255)), float64(histMedian(ha[:]) - 128), float64(histMedian(hb[:]) - 128)}
	// The spread: the median ΔE from that colour, in steps of 0.05.
	var hd [4000]int
	for _, i := range idx {
		hd[min(len(hd)-1, int(v.deltaE(i, s.Bg)/0.05))]++
	}
	s.BgSpread = 0.05 * float64(histMedian(hd[:]))
	s.bgOK = true
}

// level8 is the 8-bit level nearest x, clamped.
func level8(x float32) int { return min(255, max(0, int(x+0.5))) }

// histMedian is the bin holding the upper median of the counts in h (as median does for a
// sorted slice: the element at n/2).
func histMedian(h []int) int {
	n := 0
	for _, c := range h {
		n += c
	}
	k := n / 2
	for b, c := range h {
		if k < c {
			return b
		}
		k -= c
	}
	return len(h) - 1
}

// fgThreshold is the colour difference from the background that makes a pixel "not
// background": well above the background's own variation, and above what grain and JPEG
// noise give on a plain wall.
func (s *Session) fgThreshold() float64 { return math.Max(10, 4*s.BgSpread) }

// findCrown scans the central columns down from the top of the view to the first pixels that
// stand out from the background: the top of the hair (or of a covering). Where the head
// already covers the first row inside the frame, the head reaches the frame's edge.
func (s *Session) findCrown() {
	v := s.v
	u := v.unit
	s.crownV = v.eyeV.Y - crownAboveEyesU*u
	if !s.bgOK {
		return
	}
	t := s.fgThreshold()
	x0, x1 := int(v.eyeV.X-0.5*u), int(v.eyeV.X+0.5*u)
	yStop := int(v.eyeV.Y - crownMinAboveU*u + 0.5*u)
	var tops []float64
	atEdge := 0
	for x := x0; x <= x1; x++ {
		first := -1 // first row inside the frame
		run := 0
		for y := 0; y < yStop; y++ {
			i := v.at(x, y)
			if i < 0 || !v.valid[i] {
				run = 0
				continue
			}
			if first < 0 {
				first = y
			}
			if v.deltaE(i, s.Bg) > t {
				run++
				if run == 3 {
					top := y - 2
					tops = append(tops, float64(top))
					// The frame edge is at `first` unless the view's own top is inside the frame.
					if top <= first+1 && (first > 0 || !s.viewTopInFrame(x)) {
						atEdge++
					}
					break
				}
			} else {
				run = 0
			}
		}
	}
	if len(tops) < (x1-x0+1)/2 {
		return
	}
	sort.Float64s(tops)
	crown := tops[len(tops)/10] // the highest part of the head, ignoring a few stray hairs
	if crown < v.eyeV.Y-crownMaxAboveU*u || crown > v.eyeV.Y-crownMinAboveU*u {
		return // not a head top: something in the background, or hair matching the wall
	}
	s.crownV = crown
	s.CrownSeen = true
	s.CrownAtEdge = atEdge*4 >= len(tops)
}

// viewTopInFrame reports whether the view's top row at column x lies inside the frame.
func (s *Session) viewTopInFrame(x int) bool {
	return s.v.valid[x]
}

// headInFrame maps the head found in the view back to frame pixels.
func (s *Session) headInFrame() head {
	v := s.v
	crown := v.toFrame(point{v.eyeV.X, s.crownV})
	chin := v.toFrame(point{v.eyeV.X, s.chinV})
	f := s.Face
	l, r := f.Landmarks[face.RightEar], f.Landmarks[face.LeftEar]
	return head{
		CrownY: crown.Y, ChinY: chin.Y, CenterX: s.Eye.X,
		Left: math.Min(math.Min(l.X, r.X), f.X), Right: math.Max(math.Max(l.X, r.X), f.X+f.W),
	}
}

// findPerson finds the person's silhouette in the view. Pixels that differ from the
// background colour and connect to the face are grown first; GrabCut then settles the outline
// (hair matching the wall stays with the head, scenery touching the person goes to the
// background). Without a background colour only the head ellipse is known.
func (s *Session) findPerson() {
	v := s.v
	u := v.unit
	n := v.w * v.h
	grown := make([]bool, n)
	cx := v.eyeV.X
	headCY, headRY := (s.crownV+s.chinV)/2, (s.chinV-s.crownV)/2
	for y := 0; y < v.h; y++ {
		for x := 0; x < v.w; x++ {
			if sq((float64(x)-cx)/(1.15*u))+sq((float64(y)-headCY)/headRY) <= 1 {
				grown[y*v.w+x] = true
			}
		}
	}
	if !s.bgOK {
		s.person = grown
		return
	}
	t := s.fgThreshold()
	fg := func(i int) bool { return v.valid[i] && v.deltaE(i, s.Bg) > t && !s.shadowLike(i) }
	var stack []int
	for i := range grown {
		if grown[i] && fg(i) {
			stack = append(stack, i)
		}
	}
	seen := make([]bool, n)
	for _, i := range stack {
		seen[i] = true
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		grown[i] = true
		x, y := i%v.w, i/v.w
		for _, j := range [4]int{v.at(x-1, y), v.at(x+1, y), v.at(x, y-1), v.at(x, y+1)} {
			if j >= 0 && !seen[j] && fg(j) {
				seen[j] = true
				stack = append(stack, j)
			}
		}
	}
	person, err := s.segmentPerson(grown)
	if err != nil {
		s.opts.Logger.Debug("photo: segmentation fell back to colour growing", "err", err)
		person = grown
	}
	s.person = dilate(person, v.w, v.h, int(math.Round(0.05*u)))
}

// shadowLike reports whether view pixel i looks like the background in shadow (see
// shadowedAgainst).
func (s *Session) shadowLike(i int) bool { return s.shadowedAgainst(i, s.Bg, shadowDim) }

const (
	shadowChroma  = 5.0 // ΔE in a*b* from the dimmed background colour
	shadowMaxGrad = 1.0 // L* per view pixel
)

func cube(x float64) float64 { return x * x * x }

// findBackgroundMask selects the background that will be in the photo: inside the crop,
// above the chin, outside the person.
func (s *Session) findBackgroundMask() {
	v := s.v
	s.bgMask = make([]bool, v.w*v.h)
	s.BgArea = 0
	for y := 0; y < v.h && float64(y) < s.chinV; y++ {
		for x := 0; x < v.w; x++ {
			i := y*v.w + x
			if !v.valid[i] || s.person[i] || !s.inCrop(x, y) {
				continue
			}
			s.bgMask[i] = true
			s.BgArea++
		}
	}
}

// inCrop reports whether view pixel (x,y) falls inside the planned crop.
func (s *Session) inCrop(x, y int) bool {
	p := s.v.toFrame(point{float64(x), float64(y)})
	c := s.Plan
	return p.X >= c.X && p.X < c.X+c.W && p.Y >= c.Y && p.Y < c.Y+c.H
}

// dilate grows a mask by r pixels (square structuring element, separable).
func dilate(m []bool, w, h, r int) []bool {
	if r <= 0 {
		return m
	}
	tmp := make([]bool, len(m))
	for y := 0; y < h; y++ {
		last := -1 << 30 // last set pixel on this row
		for x := 0; x < w+r; x++ {
			if x < w && m[y*w+x] {
				last = x
			}
			if xo := x - r; xo >= 0 && xo < w {
				// set if a pixel within [xo-r, xo+r] is set: the latest one up to x
				tmp[y*w+xo] = last >= xo-r
			}
		}
	}
	out := make([]bool, len(m))
	for x := 0; x < w; x++ {
		last := -1 << 30
		for y := 0; y < h+r; y++ {
			if y < h && tmp[y*w+x] {
				last = y
			}
			if yo := y - r; yo >= 0 && yo < h {
				out[yo*w+x] = last >= yo-r
			}
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	c := append([]float64(nil), xs...)
	sort.Float64s(c)
	return c[len(c)/2]
}

func sq(x float64) float64 { return x * x }
