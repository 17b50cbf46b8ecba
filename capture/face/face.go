// Package face finds faces and their landmarks in BGR frames.
//
// The detector is MediaPipe's BlazeFace short-range model run through OpenCV's DNN module
// (DESIGN §5). The model only sees faces that fill a good part of its 128×128 input, so a frame
// is searched at several scales: the whole frame, then overlapping square tiles, and detections
// from every pass are merged with weighted non-maximum suppression.
package face

import (
	"image"
	"math"
)

// A Point is a position in frame pixels (sub-pixel precision).
type Point struct{ X, Y float64 }

// Landmark indexes Face.Landmarks, in BlazeFace's order. Left and right are the person's own:
// on a frontal photo the right eye is on the image's left.
type Landmark int

const (
	RightEye Landmark = iota
	LeftEye
	NoseTip
	Mouth
	RightEar // tragion
	LeftEar
	NumLandmarks
)

// A Face is one detected face in frame coordinates.
type Face struct {
	// Box is the face box (brows to chin, ear to ear roughly) in frame pixels.
	X, Y, W, H float64
	// Score is the detector's confidence in [0,1].
	Score     float64
	Landmarks [NumLandmarks]Point
}

// Rect is the face box rounded to whole pixels.
func (f Face) Rect() image.Rectangle {
	return image.Rect(int(math.Round(f.X)), int(math.Round(f.Y)),
		int(math.Round(f.X+f.W)), int(math.Round(f.Y+f.H)))
}

// Center is the centre of the face box.
func (f Face) Center() Point { return Point{f.X + f.W/2, f.Y + f.H/2} }

// Size is the geometric mean of the box sides: one number for "how big is this face".
func (f Face) Size() float64 { return math.Sqrt(math.Max(f.W, 0) * math.Max(f.H, 0)) }

// EyeCenter is the midpoint between the eyes.
func (f Face) EyeCenter() Point {
	r, l := f.Landmarks[RightEye], f.Landmarks[LeftEye]
	return Point{(r.X + l.X) / 2, (r.Y + l.Y) / 2}
}

// EyeDistance is the distance between the eye centres in pixels.
func (f Face) EyeDistance() float64 {
	r, l := f.Landmarks[RightEye], f.Landmarks[LeftEye]
	return math.Hypot(l.X-r.X, l.Y-r.Y)
}

// Roll is the angle of the eye line in degrees, positive when the person's left eye (image
// right) is lower than the right eye, i.e. the head leans to the image's right.
func (f Face) Roll() float64 {
	r, l := f.Landmarks[RightEye], f.Landmarks[LeftEye]
	return math.Atan2(l.Y-r.Y, l.X-r.X) * 180 / math.Pi
}

// iou is the intersection over union of two face boxes.
func iou(a, b Face) float64 {
	x0, y0 := math.Max(a.X, b.X), math.Max(a.Y, b.Y)
	x1, y1 := math.Min(a.X+a.W, b.X+b.W), math.Min(a.Y+a.H, b.Y+b.H)
	if x1 <= x0 || y1 <= y0 {
		return 0
	}
	inter := (x1 - x0) * (y1 - y0)
	return inter / (a.W*a.H + b.W*b.H - inter)
}

// scaled multiplies every coordinate by k.
func (f Face) scaled(k float64) Face {
	f.X, f.Y, f.W, f.H = f.X*k, f.Y*k, f.W*k, f.H*k
	for i := range f.Landmarks {
		f.Landmarks[i].X *= k
		f.Landmarks[i].Y *= k
	}
	return f
}
