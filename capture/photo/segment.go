package photo

import (
	"fmt"
	"image"
	"math"
	"runtime"

	"gocv.io/x/gocv"
)

// segShrink is how much smaller than the view the person is segmented: GrabCut's cost grows
// with the pixel count, and the silhouette needs no more detail than this (a sixteenth of the
// eye–mouth distance; the measures widen it by 0.05u anyway). At 3 GrabCut took a quarter of
// the still check; 4 changes no verdict on the labelled photos.
const segShrink = 4

// OpenCV's GrabCut mask labels.
const (
	gcBGD   = 0
	gcFGD   = 1
	gcPrBGD = 2
	gcPrFGD = 3
)

// minSeed is the fewest pixels of each class GrabCut is given: its colour models need a few
// samples per component, and OpenCV throws (aborting the process) with none.
const minSeed = 50

// segmentPerson separates the person from the background with GrabCut on the shrunken view,
// seeded from what the session knows: the face is certainly the person; the head (crown to
// chin), the body below it and the pixels that differ from the background colour probably
// are; the background samples (beside the head, above the crown) certainly are not. It
// returns the person mask at view size, or an error when the seeds do not allow a cut.
func (s *Session) segmentPerson(probable []bool) ([]bool, error) {
	v := s.v
	u := v.unit / segShrink
	w, h := v.sw, v.sh
	mask := make([]byte, w*h)
	cx, ey := v.eyeV.X/segShrink, v.eyeV.Y/segShrink
	crown, chin := s.crownV/segShrink, s.chinV/segShrink
	if s.CrownAtEdge {
		// The hair goes on beyond the frame: give the head its usual height at least.
		crown = min(crown, (v.eyeV.Y-crownAboveEyesU*v.unit)/segShrink)
	}
	headCY, headRY := (crown+chin)/2, (chin-crown)/2+0.1*u
	var nFG, nBG int
	for y := 0; y < h; y++ {
		fy := float64(y) + 0.5
		for x := 0; x < w; x++ {
			fx := float64(x) + 0.5
			i := y*w + x
			vi := v.at(min(v.w-1, x*segShrink+segShrink/2), min(v.h-1, y*segShrink+segShrink/2))
			dx := math.Abs(fx - cx)
			switch {
			case sq((fx-cx)/(0.6*u))+sq((fy-(ey+0.45*u))/(0.85*u)) <= 1:
				mask[i] = gcFGD // eyes, nose, mouth, cheeks
			case sq((fx-cx)/(1.25*u))+sq((fy-headCY)/headRY) <= 1 || (fy > chin-0.2*u && dx < 0.7*u+1.5*(fy-chin)):
				mask[i] = gcPrFGD // the head and the body below it
			case v.valid[vi] && ((fy < ey-0.3*u && dx > 1.9*u) || (fy < chin-0.3*u && dx > 2.4*u) || fy < crown-0.25*u):
				mask[i] = gcBGD // beside the head and above it: background on any portrait
			case probable[vi] && (dx < 1.35*u || fy > chin-0.3*u):
				// Differs from the wall and touches the person. Further out beside the face it
				// may as well be scenery: GrabCut decides by colour there.
				mask[i] = gcPrFGD
			default:
				mask[i] = gcPrBGD
			}
			switch mask[i] {
			case gcFGD, gcPrFGD:
				nFG++
			default:
				nBG++
			}
		}
	}
	if nFG < minSeed || nBG < minSeed {
		return nil, fmt.Errorf("photo: segmentation seeds %d person / %d background", nFG, nBG)
	}
	// Pixels outside the frame repeat its edge (hair, when the head touches it): paint them the
	// background's mean colour so that they teach GrabCut nothing.
	px := append([]byte(nil), v.small...)
	var sum [3]float64
	nb := 0
	for i, c := range mask {
		if c == gcBGD {
			for k := range sum {
				sum[k] += float64(px[3*i+k])
			}
			nb++
		}
	}
	for y := 0; y < h && nb > 0; y++ {
		for x := 0; x < w; x++ {
			if !v.valid[v.at(min(v.w-1, x*segShrink+segShrink/2), min(v.h-1, y*segShrink+segShrink/2))] {
				i := y*w + x
				for k := range sum {
					px[3*i+k] = uint8(sum[k]/float64(nb) + 0.5)
				}
			}
		}
	}
	img, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, px)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, mask)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	bgd, fgd := gocv.NewMat(), gocv.NewMat()
	defer bgd.Close()
	defer fgd.Close()
	// GrabCut seeds its colour models with k-means from OpenCV's random generator, which is
	// per thread and advances with every use: the same photo must get the same verdict, so
	// the generator is reset on this thread right before.
	runtime.LockOSThread()
	gocv.SetRNGSeed(grabCutSeed)
	gocv.GrabCut(img, &m, image.Rectangle{}, &bgd, &fgd, grabCutIterations, gocv.GCInitWithMask)
	runtime.UnlockOSThread()
	out, err := m.DataPtrUint8()
	if err != nil || len(out) != w*h {
		return nil, fmt.Errorf("photo: segmentation mask: %v", err)
	}
	person := make([]bool, v.w*v.h)
	for y := 0; y < v.h; y++ {
		sy := min(h-1, y/segShrink)
		for x := 0; x < v.w; x++ {
			c := out[sy*w+min(w-1, x/segShrink)]
			person[y*v.w+x] = c == gcFGD || c == gcPrFGD
		}
	}
	return person, nil
}

const (
	grabCutIterations = 2     // a third iteration changes no verdict on the labelled photos and costs a quarter of the still check
	grabCutSeed       = 29794 // any fixed value
)
