package face

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/idbooth/idbooth/assets"
	"gocv.io/x/gocv"
)

// The BlazeFace front model's fixed shapes (DESIGN §5). A Forward on any other input shape
// aborts the process inside OpenCV, so every shape is checked before and after the call.
const (
	inputSize  = 128
	numAnchors = 896
	numCoords  = 16
)

var outputNames = []string{"Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"}

// ErrModel means the face model could not be loaded or produced output of an unexpected shape.
var ErrModel = errors.New("face model")

// blazeFace runs the model on one square window of a frame at a time.
type blazeFace struct {
	net     gocv.Net
	blob    gocv.Mat // [1,128,128,3] float32, reused
	small   gocv.Mat // the window resized, reused
	mid     gocv.Mat // the first step of that resizing (Shrink), reused
	anchors [numAnchors]Point
}

func newBlazeFace() (*blazeFace, error) {
	net, err := gocv.ReadNetFromONNXBytes(assets.BlazeFaceFront)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if net.Empty() {
		net.Close()
		return nil, fmt.Errorf("%w: empty network", ErrModel)
	}
	b := &blazeFace{
		net:   net,
		blob:  gocv.NewMatWithSizes([]int{1, inputSize, inputSize, 3}, gocv.MatTypeCV32F),
		small: gocv.NewMat(),
		mid:   gocv.NewMat(),
	}
	b.anchors = anchors()
	return b, nil
}

func (b *blazeFace) Close() {
	b.net.Close()
	b.blob.Close()
	b.small.Close()
	b.mid.Close()
}

// anchors are the SSD anchor centres of the front model, in the order of its outputs:
// a 16×16 grid with 2 anchors per cell (stride 8), then an 8×8 grid with 6 (stride 16).
func anchors() [numAnchors]Point {
	var a [numAnchors]Point
	i := 0
	for _, layer := range []struct{ grid, perCell int }{{16, 2}, {8, 6}} {
		for y := 0; y < layer.grid; y++ {
			for x := 0; x < layer.grid; x++ {
				for k := 0; k < layer.perCell; k++ {
					a[i] = Point{(float64(x) + 0.5) / float64(layer.grid), (float64(y) + 0.5) / float64(layer.grid)}
					i++
				}
			}
		}
	}
	return a
}

// detect runs the model on the square window sq of img (BGR, 8-bit). Parts of the window
// outside the frame are black, as in MediaPipe's letterbox. Detections scoring under minScore
// are dropped; the rest are returned in frame pixels, not yet merged.
func (b *blazeFace) detect(img gocv.Mat, sq image.Rectangle, minScore float64) ([]Face, error) {
	if img.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("face: want an 8-bit BGR image, got type %v", img.Type())
	}
	side := sq.Dx()
	if side <= 0 || sq.Dy() != side {
		return nil, fmt.Errorf("face: window %v is not a square", sq)
	}
	inter := sq.Intersect(image.Rect(0, 0, img.Cols(), img.Rows()))
	if inter.Empty() {
		return nil, nil
	}
	scale := float64(inputSize) / float64(side)
	if scale < 1 {
		// Shrink reduces by a whole factor first: trim the visible part to its multiples (the
		// input loses at most a pixel at its far edges).
		inter = TrimTo(inter, ShrinkFactor(inter.Size(), image.Pt(int(float64(inter.Dx())*scale+0.5), int(float64(inter.Dy())*scale+0.5))))
	}
	// Where the visible part of the window lands in the 128×128 input.
	dx := int(math.Round(float64(inter.Min.X-sq.Min.X) * scale))
	dy := int(math.Round(float64(inter.Min.Y-sq.Min.Y) * scale))
	dw := max(1, min(inputSize-dx, int(math.Round(float64(inter.Dx())*scale))))
	dh := max(1, min(inputSize-dy, int(math.Round(float64(inter.Dy())*scale))))
	roi := img.Region(inter)
	if scale > 1 {
		gocv.Resize(roi, &b.small, image.Pt(dw, dh), 0, 0, gocv.InterpolationLinear)
	} else {
		Shrink(roi, &b.small, &b.mid, image.Pt(dw, dh), gocv.InterpolationArea)
	}
	roi.Close()
	if err := b.fillBlob(dx, dy, dw, dh); err != nil {
		return nil, err
	}
	scores, regs, err := b.forward()
	if err != nil {
		return nil, err
	}
	var out []Face
	for i := 0; i < numAnchors; i++ {
		s := sigmoid(float64(scores[i]))
		if s < minScore {
			continue
		}
		r := regs[i*numCoords : (i+1)*numCoords]
		a := b.anchors[i]
		// Model coordinates are in 128-pixel units relative to the anchor; map them to [0,1]
		// of the input, then through the window into frame pixels.
		toFrame := func(u, v float64) Point {
			return Point{float64(sq.Min.X) + u*float64(side), float64(sq.Min.Y) + v*float64(side)}
		}
		cx, cy := float64(r[0])/inputSize+a.X, float64(r[1])/inputSize+a.Y
		w, h := float64(r[2])/inputSize, float64(r[3])/inputSize
		c := toFrame(cx, cy)
		f := Face{X: c.X - w*float64(side)/2, Y: c.Y - h*float64(side)/2, W: w * float64(side), H: h * float64(side), Score: s}
		for k := 0; k < int(NumLandmarks); k++ {
			f.Landmarks[k] = toFrame(float64(r[4+2*k])/inputSize+a.X, float64(r[5+2*k])/inputSize+a.Y)
		}
		if f.W > 0 && f.H > 0 {
			out = append(out, f)
		}
	}
	return out, nil
}

// fillBlob writes b.small into the model input at (dx,dy): RGB, scaled to [-1,1], black
// (−1) around it.
func (b *blazeFace) fillBlob(dx, dy, dw, dh int) error {
	if b.small.Rows() != dh || b.small.Cols() != dw || b.small.Type() != gocv.MatTypeCV8UC3 {
		return fmt.Errorf("face: resized window is %dx%d type %v, want %dx%d BGR", b.small.Cols(), b.small.Rows(), b.small.Type(), dw, dh)
	}
	px, err := b.small.DataPtrUint8()
	if err != nil {
		return err
	}
	in, err := b.blob.DataPtrFloat32()
	if err != nil {
		return err
	}
	if len(in) != inputSize*inputSize*3 {
		return fmt.Errorf("%w: input blob holds %d values", ErrModel, len(in))
	}
	for i := range in {
		in[i] = -1
	}
	for y := 0; y < dh; y++ {
		row := px[y*dw*3 : (y+1)*dw*3]
		o := ((dy+y)*inputSize + dx) * 3
		for x := 0; x < dw; x++ {
			in[o+3*x+0] = float32(row[3*x+2])/127.5 - 1
			in[o+3*x+1] = float32(row[3*x+1])/127.5 - 1
			in[o+3*x+2] = float32(row[3*x+0])/127.5 - 1
		}
	}
	return nil
}

// forward runs the network and returns the 896 raw scores and 896×16 regressors, after
// checking every output's shape. Outputs are told apart by shape, not by name order.
func (b *blazeFace) forward() (scores, regs []float32, err error) {
	if sz := b.blob.Size(); len(sz) != 4 || sz[0] != 1 || sz[1] != inputSize || sz[2] != inputSize || sz[3] != 3 {
		return nil, nil, fmt.Errorf("%w: input shape %v", ErrModel, sz)
	}
	b.net.SetInput(b.blob, "")
	outs := b.net.ForwardLayers(outputNames)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != 4 {
		return nil, nil, fmt.Errorf("%w: %d outputs, want 4", ErrModel, len(outs))
	}
	var s512, s384, r512, r384 []float32
	for i := range outs {
		sz := outs[i].Size()
		if len(sz) != 3 || sz[0] != 1 || outs[i].Type() != gocv.MatTypeCV32F {
			return nil, nil, fmt.Errorf("%w: output shape %v type %v", ErrModel, sz, outs[i].Type())
		}
		d, err := outs[i].DataPtrFloat32()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrModel, err)
		}
		switch {
		case sz[1] == 512 && sz[2] == 1:
			s512 = d
		case sz[1] == 384 && sz[2] == 1:
			s384 = d
		case sz[1] == 512 && sz[2] == numCoords:
			r512 = d
		case sz[1] == 384 && sz[2] == numCoords:
			r384 = d
		default:
			return nil, nil, fmt.Errorf("%w: unexpected output shape %v", ErrModel, sz)
		}
	}
	if s512 == nil || s384 == nil || r512 == nil || r384 == nil {
		return nil, nil, fmt.Errorf("%w: outputs missing", ErrModel)
	}
	// Copy out of the output Mats: they are closed when this returns.
	scores = append(append(make([]float32, 0, numAnchors), s512...), s384...)
	regs = append(append(make([]float32, 0, numAnchors*numCoords), r512...), r384...)
	return scores, regs, nil
}

func sigmoid(x float64) float64 {
	x = math.Max(-100, math.Min(100, x))
	return 1 / (1 + math.Exp(-x))
}
