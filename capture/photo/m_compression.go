package photo

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// compression: the photo is not ruined by compression. A heavily compressed JPEG (or a tiny
// image blown up and saved again) keeps little of the face but its 8×8 blocks: the luminance
// jumps at every block boundary more than inside the blocks. Measured on the source pixels of
// the face, where the JPEG grid still lies (ISO/IEC 29794-5 lists compression artefacts as a
// quality component). Camera frames were never compressed and pass.
type compression struct{}

// maxBlockiness is the ratio of the mean luminance step across 8-pixel block boundaries to the
// mean step elsewhere: 1.0–1.3 for photos saved at ordinary qualities, about 1.7 at quality
// 40, 2 and more at quality 30 and below or for a tiny image blown up, 4 for the blocky mess
// of both.
const maxBlockiness = 1.8

func (compression) Name() string { return "compression" }

func (compression) Measure(s *Session) Measurement {
	if !s.HasFace || s.Blockiness == 0 {
		return skip("", "no face or too few pixels to tell")
	}
	if e, ok := s.faceExposure(); !ok || e.dark() {
		return skip("", "face too dark: the steps inside blocks vanish")
	}
	const rule = "ISO/IEC 29794-5 compression artefacts: JPEG blocks must not show on the face"
	if s.Blockiness > maxBlockiness {
		return fail("", LowResolution, s.Blockiness, maxBlockiness, rule,
			fmt.Sprintf("JPEG blocks show on the face (boundary/inner step ratio %.2f)", s.Blockiness))
	}
	return pass("", s.Blockiness, maxBlockiness, rule)
}

// blockiness measures the JPEG block grid's visibility on the face box of frame (BGR): the
// mean absolute luminance step between pixels on either side of a multiple of 8, divided by
// the mean step between other neighbours, horizontally and vertically together. It returns 0
// when the face box holds too few blocks to tell.
func blockiness(frame gocv.Mat, box image.Rectangle) float64 {
	box = box.Intersect(image.Rect(0, 0, frame.Cols(), frame.Rows()))
	// Align to the grid, which starts at the image's top-left corner.
	box.Min.X, box.Min.Y = (box.Min.X+7)/8*8, (box.Min.Y+7)/8*8
	if box.Dx() < 64 || box.Dy() < 64 {
		return 0
	}
	roi := frame.Region(box)
	defer roi.Close()
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(roi, &gray, gocv.ColorBGRToGray)
	px, err := gray.DataPtrUint8()
	if err != nil {
		return 0
	}
	w, h := gray.Cols(), gray.Rows()
	var edge, inner float64
	var ne, ni int
	step := func(a, b uint8, boundary bool) {
		d := math.Abs(float64(a) - float64(b))
		if boundary {
			edge += d
			ne++
		} else {
			inner += d
			ni++
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x+1 < w; x++ {
			step(px[y*w+x], px[y*w+x+1], x%8 == 7)
		}
	}
	for y := 0; y+1 < h; y++ {
		for x := 0; x < w; x++ {
			step(px[y*w+x], px[(y+1)*w+x], y%8 == 7)
		}
	}
	if ne == 0 || ni == 0 || inner == 0 {
		return 0
	}
	return (edge / float64(ne)) / (inner / float64(ni))
}
