package qr

import (
	"context"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/booth"
)

// A Result is one QR code read and validated.
type Result struct {
	Raw string       // the decoded text, whatever it is (never shown to a resident, never opened)
	ID  booth.FormID // the application ID when Err is nil
	Err error        // a *RejectError when the code is not an application form's
}

// OK reports whether the result is a valid application ID.
func (r Result) OK() bool { return r.Err == nil && r.ID != "" }

// Validate turns decoded text into a Result.
func Validate(raw string) Result {
	id, err := ParsePayload(raw)
	return Result{Raw: raw, ID: id, Err: err}
}

// Scan is a full decode of a still image (every strategy) followed by validation. err is
// ErrNoQR when no code was decoded, or an input or context error.
func (r *Reader) Scan(ctx context.Context, img gocv.Mat) (Result, error) {
	raw, err := r.Decode(ctx, img)
	if err != nil {
		return Result{}, err
	}
	return Validate(raw), nil
}

// Live reads the form QR from a camera's preview frames. A full decode of a frame without a
// code costs several times the frame budget, so Live spreads the strategies over successive
// frames instead: every frame gets the cheap passes that read most codes, plus one of the
// rescue passes in turn. A code held up for a few frames thus meets every strategy within
// len(liveRescue) frames, and a frame without a code costs about one full-resolution pass.
// Not safe for concurrent use; Close it when done.
type Live struct {
	r    *Reader
	next int
}

// liveEvery runs on every frame: the full-resolution hybrid pass reads most codes, the
// half-size global pass the large or blurred ones.
var liveEvery = []attempt{
	{viewFull, hybrid, false},
	{viewHalf, global, false},
}

// liveRescue runs one attempt per frame, in turn.
var liveRescue = []attempt{
	{viewFull, global, false},
	{viewThreeQuarter, hybrid, false},
	{viewMedian, global, false},
	{viewRectified, grid, false}, // after gozxing on the same view, see rescueAt
	{viewMedian, hybrid, false},
	{viewUp, hybrid, false},
	{viewHalf, hybrid, false},
	{viewFull, hybrid, true},
}

// NewLive returns a Live reader.
func NewLive() *Live { return &Live{r: NewReader()} }

// Close releases the reader.
func (l *Live) Close() error { return l.r.Close() }

// Scan looks at one frame. found is false when no code was decoded in it (or on bad input:
// an empty frame is simply not a read, so the preview loop goes on).
func (l *Live) Scan(ctx context.Context, frame gocv.Mat) (res Result, found bool) {
	plan := append(append(make([]attempt, 0, 5), liveEvery...), l.rescueAt(l.next)...)
	l.next = (l.next + 1) % len(liveRescue)
	raw, _, err := l.r.decodePlan(ctx, frame, plan)
	if err != nil {
		return Result{}, false
	}
	return Validate(raw), true
}

// rescueAt returns the rescue attempts of turn i. The rectified turn tries gozxing on the
// rectified view before grid sampling: OpenCV's detector is the expensive part, run once.
// (The full-resolution detection of viewRectifiedFine costs up to 90 ms: full decodes only.)
func (l *Live) rescueAt(i int) []attempt {
	a := liveRescue[i]
	if a.view == viewRectified {
		return []attempt{{viewRectified, hybrid, false}, a}
	}
	return []attempt{a}
}
