package formgen

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"

	"gocv.io/x/gocv"
)

// FrameOptions place a form in a camera-like frame. Zero values take the defaults.
type FrameOptions struct {
	Width, Height    int     // frame size in pixels; default 1280×720 (a Scene's own size wins)
	CenterX, CenterY float64 // where the form's centre lands, as fractions of the frame; default 0.5, 0.5
	Scale            float64 // frame pixels per form pixel; default: the form's height fills 90% of the frame
	AnchorX, AnchorY float64 // the point of the form placed there, as fractions of the form; default 0.5, 0.5
	Rotation         float64 // in-plane rotation in degrees, any angle (counter-clockwise)
	TiltX, TiltY     float64 // perspective tilt in degrees about the vertical and the horizontal axis
	Blur             float64 // Gaussian blur sigma in frame pixels (defocus); 0 = sharp
	Noise            float64 // sensor noise standard deviation in grey levels; 0 = none
	JPEGQuality      int     // 1–100: pass the frame through JPEG at that quality; 0 = none
	Seed             uint64  // background (with Frame) and noise pattern; same seed, same frame
}

// A Scene composes one form into frames of one size, again and again (the demo camera: a form
// moving in front of a booth camera). It converts the form and draws the background once.
// Not safe for concurrent use; Close it when done.
type Scene struct {
	form   gocv.Mat // BGR
	bg     gocv.Mat // BGR, frame size
	w, h   int
	fw, fh int
	noise  map[float64]*noisePair
	closed bool
}

// maxTilt (degrees) keeps the form from turning edge-on to the camera.
const maxTilt = 80

// noiseMargin lets a seed shift the noise pattern, so successive frames do not share it.
const noiseMargin = 64

// noisePair holds the positive and negative parts of one noise texture: uint8 Mats can only
// be added and subtracted with saturation, which is what sensor noise needs anyway.
type noisePair struct{ pos, neg gocv.Mat }

// NewScene prepares frames of width×height showing form over a background drawn from seed.
func NewScene(form image.Image, width, height int, seed uint64) (*Scene, error) {
	if width < 64 || height < 64 || width > 8192 || height > 8192 {
		return nil, fmt.Errorf("formgen: frame size %d×%d out of range", width, height)
	}
	fb := form.Bounds()
	if fb.Dx() < 1 || fb.Dy() < 1 {
		return nil, errors.New("formgen: empty form image")
	}
	if p, ok := form.(*Page); ok {
		form = p.RGBA
	}
	rgba, ok := form.(*image.RGBA)
	if !ok || rgba.Stride != 4*fb.Dx() {
		rgba = image.NewRGBA(image.Rect(0, 0, fb.Dx(), fb.Dy()))
		draw.Draw(rgba, rgba.Bounds(), form, fb.Min, draw.Src)
	}
	src, err := gocv.NewMatFromBytes(fb.Dy(), fb.Dx(), gocv.MatTypeCV8UC4, rgba.Pix)
	if err != nil {
		return nil, fmt.Errorf("formgen: %w", err)
	}
	bgr := gocv.NewMat()
	gocv.CvtColor(src, &bgr, gocv.ColorRGBAToBGR)
	src.Close()
	bg, err := background(width, height, seed)
	if err != nil {
		bgr.Close()
		return nil, err
	}
	return &Scene{form: bgr, bg: bg, w: width, h: height, fw: fb.Dx(), fh: fb.Dy(), noise: map[float64]*noisePair{}}, nil
}

// Close releases the scene's Mats.
func (s *Scene) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.form.Close()
	s.bg.Close()
	for _, n := range s.noise {
		n.pos.Close()
		n.neg.Close()
	}
	return nil
}

// Render draws one frame into dst (BGR, the scene's size; dst's memory is reused).
func (s *Scene) Render(opts FrameOptions, dst *gocv.Mat) error {
	if s.closed {
		return errors.New("formgen: scene is closed")
	}
	if opts.JPEGQuality < 0 || opts.JPEGQuality > 100 || opts.Blur < 0 || opts.Noise < 0 ||
		math.Abs(opts.TiltX) >= maxTilt || math.Abs(opts.TiltY) >= maxTilt {
		return fmt.Errorf("formgen: invalid options %+v", opts)
	}
	h, err := s.homography(opts)
	if err != nil {
		return err
	}
	defer h.Close()
	s.bg.CopyTo(dst)
	// BorderTransparent leaves dst's pixels outside the form alone: the background shows.
	gocv.WarpPerspectiveWithParams(s.form, dst, h, image.Pt(s.w, s.h), gocv.InterpolationLinear, gocv.BorderTransparent, color.RGBA{})
	if opts.Blur > 0 {
		gocv.GaussianBlur(*dst, dst, image.Pt(0, 0), opts.Blur, opts.Blur, gocv.BorderReplicate)
	}
	if opts.Noise > 0 {
		n := s.noiseFor(opts.Noise)
		ox, oy := int(opts.Seed%noiseMargin), int(opts.Seed/noiseMargin%noiseMargin)
		r := image.Rect(ox, oy, ox+s.w, oy+s.h)
		pos, neg := n.pos.Region(r), n.neg.Region(r)
		gocv.Add(*dst, pos, dst)
		gocv.Subtract(*dst, neg, dst)
		pos.Close()
		neg.Close()
	}
	if opts.JPEGQuality > 0 {
		buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, *dst, []int{gocv.IMWriteJpegQuality, opts.JPEGQuality})
		if err != nil {
			return fmt.Errorf("formgen: jpeg: %w", err)
		}
		dec, err := gocv.IMDecode(buf.GetBytes(), gocv.IMReadColor)
		buf.Close()
		if err != nil {
			return fmt.Errorf("formgen: jpeg: %w", err)
		}
		dec.CopyTo(dst)
		dec.Close()
	}
	return nil
}

// homography maps form pixels to frame pixels: scale, rotate in the plane, tilt in 3-D and
// project with a pinhole camera whose focal length is 1.5× the frame's larger side.
func (s *Scene) homography(o FrameOptions) (gocv.Mat, error) {
	scale := o.Scale
	if scale == 0 {
		scale = 0.9 * float64(s.h) / float64(s.fh)
	}
	if scale < 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return gocv.Mat{}, fmt.Errorf("formgen: invalid scale %v", o.Scale)
	}
	cx, cy := o.CenterX, o.CenterY
	if cx == 0 && cy == 0 {
		cx, cy = 0.5, 0.5
	}
	cx, cy = cx*float64(s.w), cy*float64(s.h)
	axf, ayf := o.AnchorX, o.AnchorY
	if axf == 0 && ayf == 0 {
		axf, ayf = 0.5, 0.5
	}
	f := 1.5 * float64(max(s.w, s.h))
	rot := -o.Rotation * math.Pi / 180
	ax, ay := o.TiltX*math.Pi/180, o.TiltY*math.Pi/180
	src := []gocv.Point2f{{X: 0, Y: 0}, {X: float32(s.fw), Y: 0}, {X: float32(s.fw), Y: float32(s.fh)}, {X: 0, Y: float32(s.fh)}}
	dst := make([]gocv.Point2f, 4)
	for i, p := range src {
		x := (float64(p.X) - axf*float64(s.fw)) * scale
		y := (float64(p.Y) - ayf*float64(s.fh)) * scale
		x, y = x*math.Cos(rot)-y*math.Sin(rot), x*math.Sin(rot)+y*math.Cos(rot)
		x1, z1 := x*math.Cos(ax), x*math.Sin(ax)
		y2, z2 := y*math.Cos(ay)-z1*math.Sin(ay), y*math.Sin(ay)+z1*math.Cos(ay)
		if f+z2 < 0.1*f {
			return gocv.Mat{}, fmt.Errorf("formgen: tilt %.0f°/%.0f° puts the form behind the camera", o.TiltX, o.TiltY)
		}
		dst[i] = gocv.Point2f{X: float32(cx + f*x1/(f+z2)), Y: float32(cy + f*y2/(f+z2))}
	}
	sv := gocv.NewPoint2fVectorFromPoints(src)
	defer sv.Close()
	dv := gocv.NewPoint2fVectorFromPoints(dst)
	defer dv.Close()
	return gocv.GetPerspectiveTransform2f(sv, dv), nil
}

// noiseFor returns (making it once) a Gaussian noise texture of standard deviation sigma,
// larger than the frame by noiseMargin so a seed can pick an offset into it.
func (s *Scene) noiseFor(sigma float64) *noisePair {
	if n, ok := s.noise[sigma]; ok {
		return n
	}
	w, h := s.w+noiseMargin, s.h+noiseMargin
	pos := make([]byte, w*h*3)
	neg := make([]byte, w*h*3)
	rng := rand.New(rand.NewPCG(uint64(math.Float64bits(sigma)), 0x1db00f))
	for i := range pos {
		v := rng.NormFloat64() * sigma
		if v > 0 {
			pos[i] = byte(min(255, math.Round(v)))
		} else {
			neg[i] = byte(min(255, math.Round(-v)))
		}
	}
	p, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, pos)
	m, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, neg)
	n := &noisePair{pos: p.Clone(), neg: m.Clone()}
	p.Close()
	m.Close()
	s.noise[sigma] = n
	return n
}

// background draws a booth-like backdrop: a lit-from-one-side gradient, a curtain's soft
// vertical folds and a few dim blobs (a shoulder, a ledge), so that the frame is not uniform.
func background(w, h int, seed uint64) (gocv.Mat, error) {
	rng := rand.New(rand.NewPCG(seed, 0xb007))
	base := [3]float64{100 + rng.Float64()*80, 100 + rng.Float64()*80, 100 + rng.Float64()*80}
	gx, gy := (rng.Float64()-0.5)*80, (rng.Float64()-0.5)*80
	folds := 4 + rng.IntN(8)
	phase := rng.Float64() * 2 * math.Pi
	type blob struct{ x, y, r, d float64 }
	blobs := make([]blob, 1+rng.IntN(3))
	for i := range blobs {
		blobs[i] = blob{rng.Float64() * float64(w), rng.Float64() * float64(h), (0.1 + 0.3*rng.Float64()) * float64(h), (rng.Float64() - 0.5) * 90}
	}
	pix := make([]byte, w*h*3)
	for y := 0; y < h; y++ {
		fy := float64(y)/float64(h) - 0.5
		for x := 0; x < w; x++ {
			fx := float64(x)/float64(w) - 0.5
			v := gx*fx + gy*fy + 14*math.Sin(phase+fx*float64(folds)*2*math.Pi)
			for _, b := range blobs {
				dx, dy := float64(x)-b.x, float64(y)-b.y
				if d2 := dx*dx + dy*dy; d2 < b.r*b.r {
					v += b.d * (1 - d2/(b.r*b.r))
				}
			}
			i := (y*w + x) * 3
			for c := 0; c < 3; c++ {
				pix[i+c] = byte(math.Max(0, math.Min(255, base[c]+v)))
			}
		}
	}
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, pix)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("formgen: %w", err)
	}
	defer m.Close()
	return m.Clone(), nil // own the pixels, not Go memory
}

// Frame composes form into one frame (a convenience over Scene for a single frame).
func Frame(form image.Image, opts FrameOptions) (*image.RGBA, error) {
	m, err := FrameMat(form, opts)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return ToRGBA(m)
}

// FrameMat is Frame returning a BGR Mat (what camera sources deliver); the caller closes it.
func FrameMat(form image.Image, opts FrameOptions) (gocv.Mat, error) {
	w, h := opts.Width, opts.Height
	if w == 0 && h == 0 {
		w, h = 1280, 720
	}
	s, err := NewScene(form, w, h, opts.Seed)
	if err != nil {
		return gocv.Mat{}, err
	}
	defer s.Close()
	dst := gocv.NewMat()
	if err := s.Render(opts, &dst); err != nil {
		dst.Close()
		return gocv.Mat{}, err
	}
	return dst, nil
}

// ToRGBA converts a BGR Mat to an RGBA image.
func ToRGBA(m gocv.Mat) (*image.RGBA, error) {
	if m.Empty() || m.Channels() != 3 {
		return nil, errors.New("formgen: not a BGR Mat")
	}
	rgba := gocv.NewMat()
	defer rgba.Close()
	gocv.CvtColor(m, &rgba, gocv.ColorBGRToRGBA)
	b, err := rgba.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("formgen: %w", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, m.Cols(), m.Rows()))
	copy(img.Pix, b)
	return img, nil
}
