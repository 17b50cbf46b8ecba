package face

import (
	"image"

	"gocv.io/x/gocv"
)

// Shrink resizes src to size (no larger on either side) by averaging pixel areas, as
// gocv.Resize with InterpolationArea does, in a fraction of its time. OpenCV averages 2×2
// blocks several times faster than areas of any other size (1920×1080 to 910×512: 10 ms
// directly, 1 ms by a half), so src is halved while it stays at least size (ShrinkFactor tells
// by how much in all), and then brought the rest of the way, a factor under 2, with rest:
// InterpolationArea to average again, or InterpolationLinear where the result is itself averaged
// down later (a detector's search image). tmp holds the steps between. When src's sides are
// not multiples of that factor, its last columns and rows beyond the multiples are left out:
// callers that map coordinates trim src first (TrimTo).
func Shrink(src gocv.Mat, dst, tmp *gocv.Mat, size image.Point, rest gocv.InterpolationFlags) {
	k := ShrinkFactor(image.Pt(src.Cols(), src.Rows()), size)
	if k < 2 {
		gocv.Resize(src, dst, size, 0, 0, gocv.InterpolationArea)
		return
	}
	w, h := src.Cols()/k*k, src.Rows()/k*k
	in := src
	if w != src.Cols() || h != src.Rows() {
		region := src.Region(image.Rect(0, 0, w, h))
		defer region.Close()
		in = region
	}
	steps := 0
	for f := k; f > 1; f /= 2 {
		steps++
	}
	if w/k != size.X || h/k != size.Y {
		steps++
	}
	// The steps alternate between tmp and dst so that the last one writes dst.
	out := func(step int) *gocv.Mat {
		if (steps-1-step)%2 == 0 {
			return dst
		}
		return tmp
	}
	step := 0
	for ; k > 1; step++ {
		w, h, k = w/2, h/2, k/2
		o := out(step)
		gocv.Resize(in, o, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		in = *o
	}
	if step < steps {
		gocv.Resize(in, out(step), size, 0, 0, rest)
	}
}

// ShrinkFactor is the power of two by which Shrink first halves a from-sized image on its way
// to size (1 when it is less than twice size on either side).
func ShrinkFactor(from, size image.Point) int {
	if size.X <= 0 || size.Y <= 0 {
		return 1
	}
	k := 1
	for from.X/(2*k) >= size.X && from.Y/(2*k) >= size.Y {
		k *= 2
	}
	return k
}

// TrimTo shrinks r's far sides to make its width and height multiples of k.
func TrimTo(r image.Rectangle, k int) image.Rectangle {
	if k < 2 {
		return r
	}
	r.Max.X = r.Min.X + r.Dx()/k*k
	r.Max.Y = r.Min.Y + r.Dy()/k*k
	return r
}
