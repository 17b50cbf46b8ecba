package photo

import (
	"math"

	"github.com/idbooth/idbooth/capture/face"
)

// Regions of the upright view, in units of the eye–mouth distance u around the eye midpoint.

// box is an axis-aligned region of the view in u units relative to the eye midpoint
// (x right, y down).
type box struct{ x0, y0, x1, y1 float64 }

// pixels calls fn with the index of every valid view pixel inside b.
func (s *Session) pixels(b box, fn func(i int)) {
	v := s.v
	u := v.unit
	x0, x1 := int(math.Floor(v.eyeV.X+b.x0*u)), int(math.Ceil(v.eyeV.X+b.x1*u))
	y0, y1 := int(math.Floor(v.eyeV.Y+b.y0*u)), int(math.Ceil(v.eyeV.Y+b.y1*u))
	for y := max(0, y0); y < min(v.h, y1); y++ {
		for x := max(0, x0); x < min(v.w, x1); x++ {
			if i := y*v.w + x; v.valid[i] {
				fn(i)
			}
		}
	}
}

// around is a box of half-size (hw, hh) u centred on landmark k.
func (s *Session) around(k face.Landmark, hw, hh float64) box {
	p := s.landmarkV(k)
	u := s.v.unit
	cx, cy := (p.X-s.v.eyeV.X)/u, (p.Y-s.v.eyeV.Y)/u
	return box{cx - hw, cy - hh, cx + hw, cy + hh}
}

// skinBox is the nose and cheeks under the eyes and above the mouth: bare skin on nearly
// every face (sunglasses, fringes and beards leave it), the reference colour of the skin.
var skinBox = box{-0.45, 0.25, 0.45, 0.7}

// findSkin sets the face's skin colour from skinBox.
func (s *Session) findSkin() {
	var ls, as, bs []float64
	s.pixels(skinBox, func(i int) {
		ls = append(ls, float64(s.v.l[i]))
		as = append(as, float64(s.v.a[i]))
		bs = append(bs, float64(s.v.b[i]))
	})
	if len(ls) == 0 {
		return
	}
	s.Skin = lab{median(ls), median(as), median(bs)}
	// A black-and-white photo has no skin colour to compare with: the colour cues (eyes'
	// surroundings, hands) cannot be used on it.
	s.skinOK = math.Hypot(s.Skin.A, s.Skin.B) >= minSkinChroma
}

// skinUnreadable says why the skin of the face cannot be told apart on this photo, or "" when
// it can: the colour cues need the face wholly in the frame, in colour, neither too dark nor
// too bright.
func (s *Session) skinUnreadable() string {
	if !s.HasFace || !s.skinOK || !s.FaceInFrame {
		return "no face wholly in the frame, or no colour"
	}
	if e, ok := s.faceExposure(); !ok || e.dark() || e.bright() {
		return "face too dark or too bright to tell skin"
	}
	return ""
}

// minSkinChroma is the least a*b* chroma of skin in a colour photo; every skin tone has more.
const minSkinChroma = 3.0

// skinLike reports whether raw view pixel i has the colour of the face's skin: near in hue
// and saturation, with a wide margin in lightness (shading, highlights).
func (s *Session) skinLike(i int) bool {
	v := s.v
	da, db := float64(v.a[i])-s.Skin.A, float64(v.b[i])-s.Skin.B
	dl := float64(v.l[i]) - s.Skin.L
	return math.Hypot(da, db) < skinChromaTol && dl > -skinDarkerTol && dl < skinLighterTol
}

const (
	skinChromaTol  = 9.0
	skinDarkerTol  = 28.0
	skinLighterTol = 22.0
)
