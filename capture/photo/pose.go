package photo

import (
	"math"

	"github.com/idbooth/idbooth/capture/face"
)

// Head pose from the six landmarks, in the upright view (eye line horizontal).

// landmarkV is landmark k in view pixels.
func (s *Session) landmarkV(k face.Landmark) point {
	p := s.Face.Landmarks[k]
	return s.v.toView(point{p.X, p.Y})
}

// noseOffset is the nose tip's horizontal offset from the eye midpoint as a fraction of the
// eye distance: 0 for a frontal face, growing with the turn (the nose stands out of the face
// plane). Positive when the nose points to the image's right.
func (s *Session) noseOffset() float64 {
	r, l, n := s.landmarkV(face.RightEye), s.landmarkV(face.LeftEye), s.landmarkV(face.NoseTip)
	ied := math.Abs(l.X - r.X)
	if ied == 0 {
		return 0
	}
	return (n.X - (r.X+l.X)/2) / ied
}

// earAsymmetry compares the eye-to-ear distances on the two sides: 0 frontal, towards ±1 as the
// head turns and one ear disappears behind the face.
func (s *Session) earAsymmetry() float64 {
	r, l := s.landmarkV(face.RightEye), s.landmarkV(face.LeftEye)
	er, el := s.landmarkV(face.RightEar), s.landmarkV(face.LeftEar)
	dr, dl := math.Abs(r.X-er.X), math.Abs(el.X-l.X)
	if dr+dl == 0 {
		return 0
	}
	return (dr - dl) / (dr + dl)
}

// Nose depth in front of the eyes as a fraction of the eye distance (anthropometric mean:
// about 20 mm at an eye distance of about 63 mm), for turning the nose offset into an angle.
const noseDepthIED = 0.33

// yawDeg estimates how far the head is turned, in degrees (positive: nose to image right).
func (s *Session) yawDeg() float64 {
	if !s.HasFace {
		return 0
	}
	return math.Atan(s.noseOffset()/noseDepthIED) * 180 / math.Pi
}

// pitchRatio is where the nose tip sits between the eye line (0) and the mouth (1): it grows
// when the head tips forward (looking down) and shrinks when it tips back.
func (s *Session) pitchRatio() float64 {
	if !s.HasFace {
		return 0
	}
	r, l, n, m := s.landmarkV(face.RightEye), s.landmarkV(face.LeftEye), s.landmarkV(face.NoseTip), s.landmarkV(face.Mouth)
	ey := (r.Y + l.Y) / 2
	if m.Y-ey <= 0 {
		return 0
	}
	return (n.Y - ey) / (m.Y - ey)
}
