package photo

import (
	"image/color"

	"github.com/idbooth/idbooth/capture/face"
	"gocv.io/x/gocv"
)

// When the ordinary search finds no face, a still is searched twice more before no_face is
// reported, so that a face that is there but badly framed gets its own reason:
//   - with the frame padded on every side, for a face cut by the frame's edge (the detector's
//     windows see only whole faces near the top and bottom edges): face_cut_off;
//   - at finer scales, for a face too small for the ordinary search: face_too_small.
//
// Both search more windows than the ordinary search and so meet more look-alikes: a face found
// wholly inside the frame needs a higher confidence than usual. A face cut by the edge scores
// lower, since part of it is missing: it is taken at a lower confidence, but only when its box
// plainly crosses the edge (a look-alike inside the frame does not).
const (
	edgePad         = 0.35 // padding on each side, as a share of the frame's shorter side
	smallFaceShare  = 0.04 // the finer search goes down to faces this share of the shorter side
	fallbackMinConf = 0.8  // a face inside the frame
	cutMinConf      = 0.5  // a face whose box crosses the frame's edge ...
	cutMinOutside   = 0.1  // ... by at least this share of its width or height
)

// faceSearch holds the detectors of the second looks.
type faceSearch struct {
	edge, small *face.Detector
	padded      gocv.Mat
}

func newFaceSearch() (*faceSearch, error) {
	edge, err := face.NewDetector(face.Options{Relevance: relevantFaceSize, MinScore: cutMinConf})
	if err != nil {
		return nil, err
	}
	small, err := face.NewDetector(face.Options{Relevance: relevantFaceSize, MinScore: fallbackMinConf, MinFaceFraction: smallFaceShare})
	if err != nil {
		edge.Close()
		return nil, err
	}
	return &faceSearch{edge: edge, small: small, padded: gocv.NewMat()}, nil
}

func (fs *faceSearch) Close() {
	fs.edge.Close()
	fs.small.Close()
	fs.padded.Close()
}

// lookAgain searches img (BGR) for a face the ordinary search missed, and returns the faces in
// img's pixels (possibly reaching outside it).
func (fs *faceSearch) lookAgain(img gocv.Mat) ([]face.Face, error) {
	pad := int(edgePad * float64(min(img.Cols(), img.Rows())))
	gocv.CopyMakeBorder(img, &fs.padded, pad, pad, pad, pad, gocv.BorderConstant, color.RGBA{})
	found, err := fs.edge.Detect(fs.padded)
	if err != nil {
		return nil, err
	}
	var faces []face.Face
	w, h := float64(img.Cols()), float64(img.Rows())
	for _, f := range found {
		f = shift(f, -float64(pad), -float64(pad))
		out := max(-f.X, f.X+f.W-w) / f.W
		out = max(out, max(-f.Y, f.Y+f.H-h)/f.H)
		if f.Score >= fallbackMinConf || out >= cutMinOutside {
			faces = append(faces, f)
		}
	}
	return faces, nil
}

// shift moves a face by (dx, dy) pixels.
func shift(f face.Face, dx, dy float64) face.Face {
	f.X += dx
	f.Y += dy
	for k := range f.Landmarks {
		f.Landmarks[k].X += dx
		f.Landmarks[k].Y += dy
	}
	return f
}
