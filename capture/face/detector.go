package face

import (
	"fmt"
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"
)

// The model's useful range, measured on this stack (range test): a face is found reliably when
// its box is 16–90% of the window side, and its box and landmarks are most precise around 45%.
const (
	minFraction   = 0.17
	sweetFraction = 0.45
	mergeIoU      = 0.3
	// searchSide is the shorter side of the copy searched at every scale: four model inputs, so
	// that the smallest tiles still come from real pixels.
	searchSide = 4 * inputSize
)

// Options tune a Detector; the zero value gives the defaults.
type Options struct {
	// MinScore is the confidence a face needs (default 0.7).
	MinScore float64
	// MinFaceFraction is the smallest face box searched for, as a fraction of the frame's
	// shorter side (default 0.1). Smaller faces cost more windows and matter to nobody.
	MinFaceFraction float64
	// Relevance: once a face is found, faces smaller than this fraction of it are not searched
	// for (default 0.6: a face at 1.7× the distance of the main one is scenery behind it).
	Relevance float64
}

func (o Options) withDefaults() Options {
	if o.MinScore <= 0 {
		o.MinScore = 0.7
	}
	if o.MinFaceFraction <= 0 {
		o.MinFaceFraction = 0.1
	}
	if o.Relevance <= 0 {
		o.Relevance = 0.6
	}
	return o
}

// A Detector finds faces with BlazeFace. It owns a loaded network and reusable buffers: it is
// not safe for concurrent use; give each goroutine its own. Close releases it.
type Detector struct {
	opts Options
	bf   *blazeFace
	// search holds the downscaled frame between calls, and half the first step of its
	// downscaling (Shrink), to reuse their buffers.
	search, half gocv.Mat
	// Windows counts model runs, for benchmarks and tests.
	Windows int
}

// NewDetector loads the embedded model.
func NewDetector(opts Options) (*Detector, error) {
	bf, err := newBlazeFace()
	if err != nil {
		return nil, err
	}
	return &Detector{opts: opts.withDefaults(), bf: bf, search: gocv.NewMat(), half: gocv.NewMat()}, nil
}

// Close releases the network.
func (d *Detector) Close() error {
	if d.bf != nil {
		d.bf.Close()
		d.bf = nil
		d.search.Close()
		d.half.Close()
	}
	return nil
}

// Detect finds the faces in a BGR frame, largest first. It searches a downscaled copy of the
// frame with square windows as tall as the frame (and half outside its left and right edges,
// so that a face cut by the edge is still seen), then smaller and smaller overlapping tiles,
// stopping once the tiles could only find faces too small to matter; each face is then measured
// again on the full-resolution frame in a window that frames it at the model's best scale.
func (d *Detector) Detect(img gocv.Mat) ([]Face, error) {
	if img.Empty() {
		return nil, fmt.Errorf("face: empty image")
	}
	search, scale := d.searchImage(img)
	w, h := search.Cols(), search.Rows()
	minFace := d.opts.MinFaceFraction * float64(min(w, h))
	var raw, found []Face
	for level, side := 0, min(w, h); ; level++ {
		wins := tiles(w, h, side)
		if level == 0 {
			wins = append(wins, image.Rect(-side/2, (h-side)/2, side-side/2, (h-side)/2+side),
				image.Rect(w-side/2, (h-side)/2, w-side/2+side, (h-side)/2+side))
		}
		for _, win := range wins {
			dets, err := d.run(search, win)
			if err != nil {
				return nil, err
			}
			if level > 0 {
				dets = insideWindow(dets, win)
			}
			raw = append(raw, dets...)
		}
		found = weightedNMS(raw, mergeIoU)
		// The next level finds faces down to minFraction of half this side. Go on only if it
		// may find a face that matters: not smaller than minFace, nor than Relevance × the
		// largest face found so far.
		next := side / 2
		need := minFace
		if len(found) > 0 {
			need = math.Max(need, d.opts.Relevance*largest(found).Size())
		}
		if minFraction*float64(side) <= need || next < inputSize/2 {
			break
		}
		side = next
	}
	for i := range found {
		found[i] = found[i].scaled(1 / scale)
	}
	return d.refine(img, found)
}

// searchImage is img scaled down so that its shorter side is at most searchSide pixels (or
// img itself), and the scale applied. The caller closes it unless it is img.
func (d *Detector) searchImage(img gocv.Mat) (gocv.Mat, float64) {
	short := min(img.Cols(), img.Rows())
	if short <= searchSide {
		return img, 1
	}
	scale := float64(searchSide) / float64(short)
	sz := image.Pt(max(1, int(math.Round(float64(img.Cols())*scale))), max(1, int(math.Round(float64(img.Rows())*scale))))
	// The last step, under 2×, is linear: every window is averaged down again.
	Shrink(img, &d.search, &d.half, sz, gocv.InterpolationLinear)
	return d.search, float64(sz.Y) / float64(img.Rows())
}

// DetectNear looks for the face near a previous detection (live tracking): one window framing
// prev at the model's best scale, plus the whole frame. It costs two model runs.
func (d *Detector) DetectNear(img gocv.Mat, prev Face) ([]Face, error) {
	if img.Empty() {
		return nil, fmt.Errorf("face: empty image")
	}
	raw, err := d.run(img, squareAround(prev))
	if err != nil {
		return nil, err
	}
	whole, err := d.run(img, tiles(img.Cols(), img.Rows(), max(img.Cols(), img.Rows()))[0])
	if err != nil {
		return nil, err
	}
	return sortBySize(weightedNMS(append(raw, whole...), mergeIoU)), nil
}

// DetectIn runs the model once, on the square window win of img (the parts of it outside the
// frame are black): one step of a live tracker, which looks where the face was (see Window) or
// takes its turn over the frame's tiles. The faces found are merged, not refined.
func (d *Detector) DetectIn(img gocv.Mat, win image.Rectangle) ([]Face, error) {
	if img.Empty() {
		return nil, fmt.Errorf("face: empty image")
	}
	raw, err := d.run(img, win)
	if err != nil {
		return nil, err
	}
	return sortBySize(weightedNMS(raw, mergeIoU)), nil
}

// Window is the square window that frames f at the model's best scale.
func Window(f Face) image.Rectangle { return squareAround(f) }

// A Sweep spreads the search for small faces over successive live frames, so that no single
// frame pays for the whole pyramid. The zero value starts a new sweep.
type Sweep struct{ next int }

// sweepTiles is how many fine tiles one live frame searches besides the coarse windows.
const sweepTiles = 2

// DetectSweep is Detect for live frames when no face is tracked: the coarse windows (faces
// from about a sixth of the frame's height) every time, plus the next few tiles of the finer
// level, taking turns across calls. A far-away face is found within a few frames.
func (d *Detector) DetectSweep(img gocv.Mat, sw *Sweep) ([]Face, error) {
	if img.Empty() {
		return nil, fmt.Errorf("face: empty image")
	}
	search, scale := d.searchImage(img)
	w, h := search.Cols(), search.Rows()
	side := min(w, h)
	wins := tiles(w, h, side)
	fine := tiles(w, h, side/2)
	var raw []Face
	for _, win := range wins {
		dets, err := d.run(search, win)
		if err != nil {
			return nil, err
		}
		raw = append(raw, dets...)
	}
	for k := 0; k < sweepTiles && k < len(fine); k++ {
		win := fine[(sw.next+k)%len(fine)]
		dets, err := d.run(search, win)
		if err != nil {
			return nil, err
		}
		raw = append(raw, insideWindow(dets, win)...)
	}
	sw.next = (sw.next + sweepTiles) % max(1, len(fine))
	found := weightedNMS(raw, mergeIoU)
	for i := range found {
		found[i] = found[i].scaled(1 / scale)
	}
	return d.refine(img, found)
}

// Tiles lists the overlapping square windows of one search level (side pixels, stride half a
// side) covering a w×h frame; a side at least the frame's longer side gives one letterboxed
// window centred on the frame.
func Tiles(w, h, side int) []image.Rectangle { return tiles(w, h, side) }

func (d *Detector) run(img gocv.Mat, win image.Rectangle) ([]Face, error) {
	d.Windows++
	return d.bf.detect(img, win, d.opts.MinScore)
}

// refine measures each face again in a window framing it at the model's best scale, which
// steadies the landmarks of faces first seen at the edge of the model's range.
func (d *Detector) refine(img gocv.Mat, found []Face) ([]Face, error) {
	out := make([]Face, 0, len(found))
	for _, f := range found {
		raw, err := d.run(img, squareAround(f))
		if err != nil {
			return nil, err
		}
		best, bestIoU := f, mergeIoU
		for _, r := range weightedNMS(raw, mergeIoU) {
			if v := iou(f, r); v > bestIoU {
				best, bestIoU = r, v
			}
		}
		out = append(out, best)
	}
	// Refined boxes of one face seen twice may now overlap.
	return sortBySize(weightedNMS(out, mergeIoU)), nil
}

func squareAround(f Face) image.Rectangle {
	c := f.Center()
	side := int(math.Round(f.Size() / sweetFraction))
	x0 := int(math.Round(c.X - float64(side)/2))
	y0 := int(math.Round(c.Y - float64(side)/2))
	return image.Rect(x0, y0, x0+side, y0+side)
}

func tiles(w, h, side int) []image.Rectangle {
	if side >= max(w, h) {
		side = max(w, h)
		x0, y0 := (w-side)/2, (h-side)/2
		return []image.Rectangle{image.Rect(x0, y0, x0+side, y0+side)}
	}
	var out []image.Rectangle
	for _, y := range starts(h, side) {
		for _, x := range starts(w, side) {
			out = append(out, image.Rect(x, y, x+side, y+side))
		}
	}
	return out
}

// starts spreads windows of size side over length n with at least half a side of overlap;
// a window longer than n is centred (letterboxed).
func starts(n, side int) []int {
	if side >= n {
		return []int{(n - side) / 2}
	}
	k := int(math.Ceil(float64(n-side)/float64(side/2))) + 1
	out := make([]int, k)
	for i := range out {
		out[i] = int(math.Round(float64(i) * float64(n-side) / float64(k-1)))
	}
	return out
}

// insideWindow drops detections that touch the border of a tile: the face continues outside
// the tile, and another (overlapping) window sees it whole.
func insideWindow(dets []Face, win image.Rectangle) []Face {
	margin := 0.02 * float64(win.Dx())
	out := dets[:0]
	for _, f := range dets {
		if f.X >= float64(win.Min.X)+margin && f.Y >= float64(win.Min.Y)+margin &&
			f.X+f.W <= float64(win.Max.X)-margin && f.Y+f.H <= float64(win.Max.Y)-margin {
			out = append(out, f)
		}
	}
	return out
}

func largest(fs []Face) Face {
	best := fs[0]
	for _, f := range fs[1:] {
		if f.Size() > best.Size() {
			best = f
		}
	}
	return best
}

func sortBySize(fs []Face) []Face {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Size() > fs[j].Size() })
	return fs
}
