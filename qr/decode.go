package qr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/booth"
)

// ErrNoQR means no QR code could be decoded in the image.
var ErrNoQR = booth.NewKind("no QR code decoded", "qr.no_qr")

var errClosed = errors.New("qr: Reader is closed")

// A method is how one attempt turns a view into text.
type method int

const (
	hybrid  method = iota // gozxing with its local-threshold binarizer (uneven light)
	global                // gozxing with its global-histogram binarizer (blur, low contrast)
	located               // the module reader on the codes located so far (rescue.go)
	around                // OpenCV's detector around a pair of finder patterns, then the module reader
)

// An attempt is one way of reading a frame: a view of it and a method.
type attempt struct {
	view   view
	method method
	invert bool // light modules on a dark ground
}

func (a attempt) String() string {
	s := a.view.String() + "/" + [...]string{"hybrid", "global", "located", "around"}[a.method]
	if a.invert {
		s += "/inverted"
	}
	return s
}

// fullPlan is every attempt of a full decode, in order: the cheap ones that read most frames
// first, the rescue passes after. It stops at the first read. The module reader (located)
// reads the codes that the passes before it located but could not read — gozxing's finder
// search keeps what it saw, OpenCV's detector gives corners — so it comes after the passes
// whose sightings it uses.
var fullPlan = []attempt{
	{viewFull, hybrid, false},
	{viewHalf, global, false},
	{viewFull, located, false},
	{viewFull, global, false},
	{viewThreeQuarter, hybrid, false},
	{viewMedian, global, false},
	{viewMedian, hybrid, false},
	{viewFull, located, false},
	{viewFull, around, false},
	{viewRectified, hybrid, false},
	{viewRectified, global, false},
	{viewRectified, located, false},
	{viewUp, hybrid, false},
	{viewUp, global, false},
	{viewHalf, hybrid, false},
	{viewThreeQuarter, global, false},
	{viewFull, located, false},
	{viewFull, hybrid, true},
	{viewHalf, global, true},
	{viewRectifiedFine, hybrid, false},
	{viewRectifiedFine, located, false},
}

// A Reader decodes QR codes from images. It holds OpenCV's detector, so it is not safe for
// concurrent use; Close it when done.
type Reader struct {
	det    gocv.QRCodeDetector
	closed bool
}

// NewReader returns a Reader.
func NewReader() *Reader {
	return &Reader{det: gocv.NewQRCodeDetector()}
}

// Close releases the OpenCV detector.
func (r *Reader) Close() error {
	if !r.closed {
		r.closed = true
		return r.det.Close()
	}
	return nil
}

// Decode tries every strategy on img (a BGR, BGRA or gray Mat, as camera sources deliver) and
// returns the text of the first QR code read. It returns ErrNoQR when none is, or ctx's error
// when cancelled between attempts.
func (r *Reader) Decode(ctx context.Context, img gocv.Mat) (string, error) {
	text, _, err := r.decodePlan(ctx, img, fullPlan)
	return text, err
}

// DecodeImage is Decode for a Go image.
func (r *Reader) DecodeImage(ctx context.Context, img image.Image) (string, error) {
	m, err := matFromImage(img)
	if err != nil {
		return "", err
	}
	defer m.Close()
	return r.Decode(ctx, m)
}

// decodePlan runs the attempts of plan on img in order and also says which one read the code.
func (r *Reader) decodePlan(ctx context.Context, img gocv.Mat, plan []attempt) (string, attempt, error) {
	if r.closed {
		return "", attempt{}, errClosed
	}
	g, err := grayOf(img)
	if err != nil {
		return "", attempt{}, err
	}
	defer g.Close()
	f := newFrame(g, &r.det, fullLimits)
	defer f.close()
	for _, a := range plan {
		if err := ctx.Err(); err != nil {
			return "", attempt{}, err
		}
		if text, ok := f.try(a); ok {
			return text, a, nil
		}
	}
	return "", attempt{}, ErrNoQR
}

// try runs one attempt; ok is false when the view does not apply or nothing was read.
func (f *frame) try(a attempt) (string, bool) {
	v := f.view(a.view)
	if v == nil {
		return "", false
	}
	switch a.method {
	case around:
		if !f.detectAround() {
			return "", false
		}
		fallthrough
	case located:
		text, ok, _ := f.readLocated(locatedTries)
		return text, ok
	}
	text, seen, err := zxingDecode(*v, a.method == global, a.invert)
	if k := f.scaleOf(a.view); k > 0 && !a.invert {
		f.addSightings(seen, k)
	}
	if err != nil || text == "" {
		return "", false
	}
	return text, true
}

// zxingDecode runs gozxing's QR reader (with TRY_HARDER) on a gray Mat, step by step as its
// QRCodeReader does, so as to keep the finder patterns it saw even when it reads nothing.
func zxingDecode(m gocv.Mat, globalBinarizer, invert bool) (string, []*detector.FinderPattern, error) {
	src, err := luminance(m)
	if err != nil {
		return "", nil, err
	}
	if invert {
		src = gozxing.NewInvertedLuminanceSource(src)
	}
	var b gozxing.Binarizer
	if globalBinarizer {
		b = gozxing.NewGlobalHistgramBinarizer(src)
	} else {
		b = gozxing.NewHybridBinarizer(src)
	}
	bmp, err := gozxing.NewBinaryBitmap(b)
	if err != nil {
		return "", nil, fmt.Errorf("qr: %w", err)
	}
	black, err := bmp.GetBlackMatrix()
	if err != nil {
		return "", nil, err
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	finder := detector.NewFinderPatternFinder(black, nil)
	info, err := finder.Find(hints)
	seen := finder.GetPossibleCenters()
	if err != nil {
		return "", seen, err
	}
	found, err := detector.NewDetector(black).ProcessFinderPatternInfo(info)
	if err != nil {
		return "", seen, err
	}
	res, err := decoder.NewDecoder().Decode(found.GetBits(), hints)
	if err != nil {
		return "", seen, err
	}
	return res.GetText(), seen, nil
}

var white = color.RGBA{255, 255, 255, 255}
