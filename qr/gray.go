package qr

import (
	"fmt"
	"image"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	"gocv.io/x/gocv"
)

// grayOf returns an 8-bit single-channel copy of m (BGR, BGRA or already gray). The caller
// closes it. It is the only colour conversion a frame goes through.
func grayOf(m gocv.Mat) (gocv.Mat, error) {
	if m.Empty() {
		return gocv.NewMat(), fmt.Errorf("qr: empty image")
	}
	g := gocv.NewMat()
	switch m.Channels() {
	case 1:
		if m.Type() != gocv.MatTypeCV8UC1 {
			g.Close()
			return gocv.NewMat(), fmt.Errorf("qr: unsupported gray Mat type %v", m.Type())
		}
		m.CopyTo(&g)
	case 3:
		gocv.CvtColor(m, &g, gocv.ColorBGRToGray)
	case 4:
		gocv.CvtColor(m, &g, gocv.ColorBGRAToGray)
	default:
		g.Close()
		return gocv.NewMat(), fmt.Errorf("qr: unsupported Mat with %d channels", m.Channels())
	}
	return g, nil
}

// matFromImage converts any Go image to a gray Mat (the caller closes it).
func matFromImage(img image.Image) (gocv.Mat, error) {
	b := img.Bounds()
	g, ok := img.(*image.Gray)
	if !ok || g.Stride != b.Dx() {
		g = image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	}
	return gocv.NewMatFromBytes(b.Dy(), b.Dx(), gocv.MatTypeCV8UC1, g.Pix)
}

// luminance wraps a continuous gray Mat's pixels for gozxing without copying them; the Mat must
// outlive every use of the source.
func luminance(g gocv.Mat) (gozxing.LuminanceSource, error) {
	if !g.IsContinuous() {
		return nil, fmt.Errorf("qr: gray Mat is not continuous")
	}
	pix, err := g.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	return gozxing.NewPlanarYUVLuminanceSource(pix, g.Cols(), g.Rows(), 0, 0, g.Cols(), g.Rows(), false)
}
