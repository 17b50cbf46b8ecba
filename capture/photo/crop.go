package photo

import (
	"fmt"
	"image"
	"image/color"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/booth"
)

// JPEG quality: start high (the photo is examined by people) and step down only when the file
// would exceed the upload limit; step up when a very flat image would fall under the minimum.
const (
	jpegQuality    = 92
	jpegMinQuality = 40
)

// encodeCrop cuts the planned crop out of frame, scales it to width×(35:45) and encodes it as
// an RGB (YCbCr) JPEG within the upload limits. Parts of the crop outside the frame (at most
// the measurement tolerance on an accepted photo) repeat the frame's edge.
func encodeCrop(frame gocv.Mat, plan cropPlan, width int) ([]byte, error) {
	height := outputHeight(width)
	r := plan.Rect()
	inter := r.Intersect(image.Rect(0, 0, frame.Cols(), frame.Rows()))
	if inter.Empty() || r.Dx() < 2 || r.Dy() < 2 {
		return nil, nil
	}
	roi := frame.Region(inter)
	defer roi.Close()
	padded := gocv.NewMat()
	defer padded.Close()
	gocv.CopyMakeBorder(roi, &padded, inter.Min.Y-r.Min.Y, r.Max.Y-inter.Max.Y, inter.Min.X-r.Min.X, r.Max.X-inter.Max.X,
		gocv.BorderReplicate, color.RGBA{})
	out := gocv.NewMat()
	defer out.Close()
	interp := gocv.InterpolationArea
	if width > padded.Cols() {
		interp = gocv.InterpolationCubic
	}
	gocv.Resize(padded, &out, image.Pt(width, height), 0, 0, interp)
	return encodeJPEG(out)
}

// encodeJPEG encodes img at the highest quality that fits the upload limits.
func encodeJPEG(img gocv.Mat) ([]byte, error) {
	q := jpegQuality
	for {
		buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, img, []int{gocv.IMWriteJpegQuality, q})
		if err != nil {
			return nil, fmt.Errorf("photo: encoding the crop: %w", err)
		}
		data := append([]byte(nil), buf.GetBytes()...)
		buf.Close()
		switch {
		case len(data) > booth.MaxPhotoBytes && q > jpegMinQuality:
			q = max(jpegMinQuality, q-10)
		case len(data) < booth.MinPhotoBytes && q < 100:
			q = min(100, q+4)
		case len(data) > booth.MaxPhotoBytes || len(data) < booth.MinPhotoBytes:
			return nil, fmt.Errorf("photo: the crop encodes to %d bytes, outside %d–%d even at quality %d",
				len(data), booth.MinPhotoBytes, booth.MaxPhotoBytes, q)
		default:
			return data, nil
		}
	}
}

// pixelsPerMM is the crop's source resolution.
func (c cropPlan) pixelsPerMM() float64 { return c.H / photoH }
