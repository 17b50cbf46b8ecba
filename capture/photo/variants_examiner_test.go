package photo_test

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/idbooth/idbooth/capture/photo"
	"gocv.io/x/gocv"
)

// What an examiner catches and the geometry measures do not: caps, the soft shadow of the head
// on a light wall, hair across the face. Each variant is made here, at test time, from an
// accepted camera frame of ../shared/testdata (CC0), and labelled by how it was made: the
// untouched frame and a faint shadow (5% less light) are accepted; a cap or beanie in a lit
// colour, a soft shadow that takes 20–25% of the light off the wall beside the head, and a
// lock of hair across one eye are refused with the right first reason. (Dark caps over dark
// hair: TestSceneVariants.)
func TestExaminerVariants(t *testing.T) {
	c := newChecker(t, photo.Options{})
	for _, file := range examinerFiles {
		frame := loadFrame(t, file, 1920, 1080)
		src := examinerSourceOf(t, c, file, frame)
		mask := wallMask(frame)
		cases := []struct {
			name string
			make func() gocv.Mat
			want []photo.Code // nil: accepted
		}{
			{"as taken", func() gocv.Mat { return frame.Clone() }, nil},
			{"faint shadow 5%", func() gocv.Mat { return castShadow(frame, mask, src.head(), -0.12, 0.05, 0.05, 0.05) }, nil},
			{"soft shadow left 20%", func() gocv.Mat { return castShadow(frame, mask, src.head(), -0.12, 0.05, 0.06, 0.20) }, []photo.Code{photo.ShadowOnBackground}},
			{"soft shadow right 20%", func() gocv.Mat { return castShadow(frame, mask, src.head(), 0.14, 0.04, 0.05, 0.20) }, []photo.Code{photo.ShadowOnBackground}},
			{"wide soft shadow 25%", func() gocv.Mat { return castShadow(frame, mask, src.head(), -0.2, 0.08, 0.1, 0.25) }, []photo.Code{photo.ShadowOnBackground}},
			{"red cap", func() gocv.Mat { return drawCap(frame, src, capPeaked, color.RGBA{170, 40, 35, 0}) }, []photo.Code{photo.HeadCovering}},
			{"beige cap", func() gocv.Mat { return drawCap(frame, src, capPeaked, color.RGBA{200, 175, 130, 0}) }, []photo.Code{photo.HeadCovering}},
			{"grey beanie", func() gocv.Mat { return drawCap(frame, src, capBeanie, color.RGBA{140, 140, 145, 0}) }, []photo.Code{photo.HeadCovering}},
			{"green beanie", func() gocv.Mat { return drawCap(frame, src, capBeanie, color.RGBA{60, 120, 70, 0}) }, []photo.Code{photo.HeadCovering}},
			{"hair across the right eye", func() gocv.Mat { return drawHair(frame, src, -1, 0) }, []photo.Code{photo.FaceOccluded, photo.EyesNotVisible}},
			{"hair across the left eye", func() gocv.Mat { return drawHair(frame, src, 1, 0) }, []photo.Code{photo.FaceOccluded, photo.EyesNotVisible}},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/%s", src.file, tc.name), func(t *testing.T) { checkVariant(t, c, tc.make, tc.want) })
		}
		frame.Close()
	}
}

// An examinerSource is an accepted 1920×1080 frame with its head geometry (from the check of
// the untouched frame): eye midpoint, eye–mouth distance u, crown and chin rows.
type examinerSource struct {
	file          string
	eyeX, eyeY, u float64
	crown, chin   float64
}

var examinerFiles = []string{"f021.jpg", "f074.jpg", "f047.jpg"}

func examinerSourceOf(t *testing.T, c *photo.Checker, file string, frame gocv.Mat) examinerSource {
	t.Helper()
	r, err := c.CheckStill(frame)
	if err != nil || !r.OK || r.Face == nil {
		t.Fatalf("%s: the untouched frame is not accepted: %v %v", file, err, r.Codes())
	}
	f := r.Face
	ex, ey := float64(f.RightEye.X+f.LeftEye.X)/2, float64(f.RightEye.Y+f.LeftEye.Y)/2
	return examinerSource{file: file, eyeX: ex, eyeY: ey, u: float64(f.Mouth.Y) - ey, crown: float64(f.CrownY), chin: float64(f.ChinY)}
}

// head is the head's box: crown to chin, 2.5u wide.
func (s examinerSource) head() image.Rectangle {
	return image.Rect(int(s.eyeX-1.25*s.u), int(s.crown), int(s.eyeX+1.25*s.u), int(s.chin))
}

// wallMask marks the wall: pixels joined to the frame's top corners through pixels of nearly
// the wall's colour (these frames have plain walls; the person is everything else).
func wallMask(frame gocv.Mat) []bool {
	lab := gocv.NewMat()
	defer lab.Close()
	gocv.CvtColor(frame, &lab, gocv.ColorBGRToLab)
	px, _ := lab.DataPtrUint8()
	w, h := frame.Cols(), frame.Rows()
	wall := make([]bool, w*h)
	seed := func(i int) [3]float64 { return [3]float64{float64(px[3*i]), float64(px[3*i+1]), float64(px[3*i+2])} }
	ref := seed(5*w + 5)
	near := func(i int) bool {
		d := 0.0
		for k := 0; k < 3; k++ {
			d += sq(float64(px[3*i+k]) - ref[k])
		}
		return d < 14*14
	}
	stack := []int{5*w + 5, 5*w + w - 6}
	for _, i := range stack {
		wall[i] = true
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			nx, ny := x+d[0], y+d[1]
			if nx < 0 || ny < 0 || nx >= w || ny >= h {
				continue
			}
			if j := ny*w + nx; !wall[j] && near(j) {
				wall[j] = true
				stack = append(stack, j)
			}
		}
	}
	return wall
}

func sq(x float64) float64 { return x * x }

// castShadow darkens the wall where the person's silhouette, moved by (dx, dy) and blurred by
// sigma (all as shares of the head's height), falls: by depth at most, in linear light, as a
// light beside the camera would. The person is not darkened.
func castShadow(frame gocv.Mat, wall []bool, head image.Rectangle, dx, dy, sigma, depth float64) gocv.Mat {
	w, h := frame.Cols(), frame.Rows()
	hh := float64(head.Dy())
	sil := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), h, w, gocv.MatTypeCV32F)
	defer sil.Close()
	sp, _ := sil.DataPtrFloat32()
	ox, oy := int(dx*hh), int(dy*hh)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := x-ox, y-oy
			if sx >= 0 && sy >= 0 && sx < w && sy < h && !wall[sy*w+sx] {
				sp[y*w+x] = 1
			}
		}
	}
	gocv.GaussianBlur(sil, &sil, image.Pt(0, 0), sigma*hh, sigma*hh, gocv.BorderReplicate)
	sp, _ = sil.DataPtrFloat32()
	out := frame.Clone()
	px, _ := out.DataPtrUint8()
	for i := range wall {
		if !wall[i] {
			continue
		}
		k := 1 - depth*float64(sp[i])
		for c := 0; c < 3; c++ {
			px[3*i+c] = linScale(px[3*i+c], k)
		}
	}
	return out
}

// linScale multiplies an sRGB value's linear light by k.
func linScale(v uint8, k float64) uint8 {
	lin := math.Min(1, srgbToLinear[v]*k)
	return linearToSRGB[int(lin*float64(len(linearToSRGB)-1)+0.5)]
}

// srgbToLinear and linearToSRGB are the sRGB transfer function and its inverse as tables.
var srgbToLinear, linearToSRGB = func() ([256]float64, [4096]uint8) {
	var in [256]float64
	var out [4096]uint8
	for i := range in {
		c := float64(i) / 255
		in[i] = c / 12.92
		if c > 0.04045 {
			in[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	for i := range out {
		lin := float64(i) / float64(len(out)-1)
		v := 12.92 * lin
		if lin > 0.0031308 {
			v = 1.055*math.Pow(lin, 1/2.4) - 0.055
		}
		out[i] = uint8(math.Round(255 * v))
	}
	return in, out
}()

type capShape int

const (
	capPeaked capShape = iota // a baseball cap: a dome over the hair and a peak over the brows
	capBeanie                 // a knitted hat pulled down to the brows, with a turned-up cuff
	capScarf                  // a headscarf over the hair and down the sides to below the chin
)

// drawCap paints a head covering of colour col (RGB) over the top of the head: fabric shaded
// from the top, with a little texture and sensor noise, the peak casting a shadow on the
// forehead.
func drawCap(frame gocv.Mat, src examinerSource, shape capShape, col color.RGBA) gocv.Mat {
	out := frame.Clone()
	u := src.u
	rng := rand.New(rand.NewSource(int64(shape)*7 + int64(col.R)))
	cx := src.eyeX
	top := src.crown - 0.05*u
	edge := src.eyeY - 0.75*u // the covering's lower edge on the forehead
	halfW := 1.3 * u
	if shape == capBeanie {
		edge = src.eyeY - 0.65*u
		halfW = 1.25 * u
	}
	px, _ := out.DataPtrUint8()
	w := out.Cols()
	paint := func(x, y int, shade float64) {
		if x < 0 || y < 0 || x >= w || y >= out.Rows() {
			return
		}
		i := 3 * (y*w + x)
		n := rng.NormFloat64() * 2.5
		px[i+0] = clamp8(float64(col.B)*shade + n)
		px[i+1] = clamp8(float64(col.G)*shade + n)
		px[i+2] = clamp8(float64(col.R)*shade + n)
	}
	for y := int(top); y <= int(edge); y++ {
		// The dome: an ellipse above the edge line, full width at the edge.
		fy := (edge - float64(y)) / (edge - top)
		half := halfW * math.Sqrt(math.Max(0, 1-fy*fy))
		for x := int(cx - half); x <= int(cx+half); x++ {
			shade := 1.0 - 0.12*(1-fy) // darker towards the edge, lit from above
			if shape == capBeanie && float64(y) > edge-0.25*u {
				shade *= 0.9 // the cuff
			}
			if shape == capBeanie && (x/3)%2 == 0 {
				shade *= 0.97 // knit ribs
			}
			paint(x, y, shade)
		}
	}
	if shape == capScarf {
		// Down both sides of the face, from the forehead to below the chin, leaving the face.
		for y := int(edge); y <= int(src.chin+0.6*u); y++ {
			for x := int(cx - 1.7*u); x <= int(cx+1.7*u); x++ {
				if math.Abs(float64(x)-cx) > 1.05*u {
					paint(x, y, 0.95)
				}
			}
		}
	}
	if shape == capPeaked {
		// The peak: a flat ellipse over the brows, and its shadow on the forehead below.
		py, ph, pw := edge, 0.12*u, 1.5*u
		for y := int(py - ph); y <= int(py+ph); y++ {
			fy := (float64(y) - py) / ph
			half := pw * math.Sqrt(math.Max(0, 1-fy*fy))
			for x := int(cx - half); x <= int(cx+half); x++ {
				paint(x, y, 0.92)
			}
		}
		for y := int(py + ph); y < int(py+ph+0.12*u); y++ {
			for x := int(cx - 0.9*u); x <= int(cx+0.9*u); x++ {
				i := 3 * (y*w + x)
				for c := 0; c < 3; c++ {
					px[i+c] = linScale(px[i+c], 0.6)
				}
			}
		}
	}
	return out
}

func clamp8(v float64) uint8 { return uint8(math.Max(0, math.Min(255, math.Round(v)))) }

// drawHair lays a lock of the person's own hair across the face: from the forehead, over one
// eye (side −1: the image's left, +1: its right) down to the cheek, as wind blows it. Strands
// of one to three pixels, lighter and darker, with skin showing between them.
func drawHair(frame gocv.Mat, src examinerSource, side float64, lock int) gocv.Mat {
	out := frame.Clone()
	u := src.u
	// The hair's colour: the top of the head, just under the crown.
	hairPx := out.GetVecbAt(int(src.crown+0.2*u), int(src.eyeX))
	// The lock is drawn from the file and the side, not from where the detector put the head:
	// a change of a pixel there must not draw another lock.
	seed := int64(side * 10)
	for _, ch := range src.file {
		seed = seed*31 + int64(ch)
	}
	seed += 7919 * int64(lock)
	rng := rand.New(rand.NewSource(seed))
	eyeX, eyeY := src.eyeX+side*0.5*u, src.eyeY
	for k := 0; k < 45; k++ {
		off := (rng.Float64() - 0.5) * 0.7 * u
		// A gentle curve from above the forehead's middle, through the eye, to the cheek.
		p0 := image.Pt(int(src.eyeX-side*0.3*u+off), int(eyeY-1.2*u))
		p1 := image.Pt(int(eyeX+off), int(eyeY+off*0.3))
		p2 := image.Pt(int(eyeX+side*0.5*u+off), int(eyeY+1.1*u))
		shade := 0.6 + 0.6*rng.Float64()
		c := color.RGBA{clamp8(float64(hairPx[2]) * shade), clamp8(float64(hairPx[1]) * shade), clamp8(float64(hairPx[0]) * shade), 0}
		th := 1 + rng.Intn(3)
		gocv.Line(&out, p0, p1, c, th)
		gocv.Line(&out, p1, p2, c, th)
	}
	return out
}

// A face that is there but badly framed gets its own reason, not no_face: a third outside the
// frame's edge it is cut off; far away it is too small. A frame without anybody is no_face.
func TestBadlyFramedFaceIsNotNoFace(t *testing.T) {
	c := newChecker(t, photo.Options{})
	frame := loadFrame(t, "f074.jpg", 1920, 1080)
	defer frame.Close()
	src := examinerSourceOf(t, c, "f074.jpg", frame)
	headH := src.chin - src.crown
	mid := (src.crown + src.chin) / 2
	cases := []struct {
		name string
		img  gocv.Mat
		want photo.Code
	}{
		{"a third outside the right edge", transform(frame, 1, 0, src.eyeX, mid, 1920-0.5*src.u, mid), photo.FaceCutOff},
		{"a third outside the left edge", transform(frame, 1, 0, src.eyeX, mid, 0.5*src.u, mid), photo.FaceCutOff},
		{"far away, head 13% of the height", transform(frame, 0.13*1080/headH, 0, src.eyeX, mid, 700, 600), photo.FaceTooSmall},
		{"nobody", gocv.NewMatWithSizeFromScalar(gocv.NewScalar(160, 170, 180, 0), 1080, 1920, gocv.MatTypeCV8UC3), photo.NoFace},
	}
	for _, tc := range cases {
		r, err := c.CheckStill(tc.img)
		tc.img.Close()
		if err != nil {
			t.Fatal(err)
		}
		if r.OK || r.Problems[0].Code != tc.want {
			t.Errorf("%s: %v, want first %s", tc.name, r.Codes(), tc.want)
		}
	}
}

// The operator's option for religious or medical coverings: a headscarf that leaves the face
// from forehead to chin visible is refused for it by default, and not with the option.
func TestReligiousCoveringOption(t *testing.T) {
	strict := newChecker(t, photo.Options{})
	allowing := newChecker(t, photo.Options{AllowReligiousCovering: true})
	frame := loadFrame(t, "f074.jpg", 1920, 1080)
	defer frame.Close()
	scarf := drawCap(frame, examinerSourceOf(t, strict, "f074.jpg", frame), capScarf, color.RGBA{120, 60, 110, 0})
	defer scarf.Close()
	r, err := strict.CheckStill(scarf)
	if err != nil || r.OK || r.Problems[0].Code != photo.HeadCovering {
		t.Errorf("without the option: %v %v, want head_covering", err, r.Codes())
	}
	r, err = allowing.CheckStill(scarf)
	if err != nil || slices.Contains(r.Codes(), photo.HeadCovering) {
		t.Errorf("with the option: %v %v, want no head_covering", err, r.Codes())
	}
}

// The live guidance asks to take a cap off.
func TestGuideAsksToRemoveCap(t *testing.T) {
	now := time.Unix(0, 0)
	c := newChecker(t, photo.Options{Now: func() time.Time { return now }})
	frame := loadFrame(t, "f074.jpg", 1920, 1080)
	defer frame.Close()
	src := examinerSourceOf(t, c, "f074.jpg", frame)
	capped := drawCap(frame, src, capPeaked, color.RGBA{170, 40, 35, 0})
	defer capped.Close()
	preview := gocv.NewMat()
	defer preview.Close()
	gocv.Resize(capped, &preview, image.Pt(1280, 720), 0, 0, gocv.InterpolationArea)
	var h photo.Hint
	for i := 0; i < 5; i++ {
		now = now.Add(40 * time.Millisecond)
		h = c.Guide(preview)
	}
	if h.Code != photo.HintRemoveHat {
		t.Errorf("hint %+v, want %s", h, photo.HintRemoveHat)
	}
}
