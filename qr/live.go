package qr

import (
	"context"
	"time"

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

// Live reads the form QR from a camera's preview frames, within a frame budget. Every frame
// gets the cheap gozxing passes that read most codes. Then, as the budget allows, the module
// reader (modules.go) works on the code followed from earlier frames and on the best one the
// passes located but could not read, and one rescue pass in turn adds its reading and its
// finder sightings. When the module reader fits a code it cannot read, the frame's module
// values join those of the frames before it (track.go): a code held up for a second is read
// from the average of several frames, none of which was readable alone. The expensive passes
// of a full decode (the upscaled frame, OpenCV's detector) are left out: each costs more than
// a frame's budget. Not safe for concurrent use; Close it when done.
type Live struct {
	r     *Reader
	n     int // frames scanned
	next  int // the rescue pass whose turn it is
	track track
	tried []triedAt // candidates that did not fit, kept a few frames so others get their turn
	costs stageCosts
	// combined is how many frames the last read combined: 1, or more when the module
	// values of several frames were averaged.
	combined int
	// budget is the time a frame may take; optional stages are skipped when their expected
	// cost would exceed it. Zero means liveBudget.
	budget time.Duration
	// clock measures the budget: wall time (nil), or in tests the process's CPU time, which
	// is what the frame would take on a core of its own.
	clock func() time.Duration
}

var epoch = time.Now()

// wallClock is the time since the process started.
func wallClock() time.Duration { return time.Since(epoch) }

// A triedAt is a lattice the module reader fitted in vain, and the frame it did.
type triedAt struct {
	g     lattice
	frame int
}

// liveBudget leaves the 15 ms frame budget room for a frame that comes out slow (the machine
// is shared with the kiosk's other work).
const liveBudget = 10 * time.Millisecond

// triedFrames is how long a candidate that did not fit stays out of the running.
const triedFrames = 8

// liveEvery runs on every frame: the full-resolution hybrid pass reads most codes, the
// half-size global pass the large or blurred ones.
var liveEvery = []attempt{
	{viewFull, hybrid, false},
	{viewHalf, global, false},
}

// liveNoisy stands in for the first of liveEvery when that has grown slower than
// maxPrimaryCost: a dark scene's sensor noise.
var liveNoisy = attempt{viewMedian, hybrid, false}

// maxPrimaryCost is what the primary pass may cost before liveNoisy replaces it (it costs about
// 3 ms on a 1280×720 frame of a lit scene).
const maxPrimaryCost = 5 * time.Millisecond

// liveRescue runs one attempt per frame, in turn, when the budget allows. The upscaled view
// and OpenCV's whole-frame detection cost more than a frame's budget on their own; the
// module reader stands in for them (small codes, tilted codes).
var liveRescue = []attempt{
	{viewFull, global, false},
	{viewThreeQuarter, hybrid, false},
	{viewMedian, global, false},
	{viewMedian, hybrid, false},
	{viewHalf, hybrid, false},
}

// stageModules names the module reader's stage in stageCosts (the passes go by their names).
const stageModules = "modules"

// NewLive returns a Live reader.
func NewLive() *Live { return &Live{r: NewReader(), costs: newStageCosts()} }

// Close releases the reader.
func (l *Live) Close() error { return l.r.Close() }

// Scan looks at one frame. found is false when no code was decoded in it (or on bad input:
// an empty frame is simply not a read, so the preview loop goes on).
func (l *Live) Scan(ctx context.Context, frame gocv.Mat) (res Result, found bool) {
	if l.r.closed || ctx.Err() != nil {
		return Result{}, false
	}
	clock := l.clock
	if clock == nil {
		clock = wallClock
	}
	start := clock()
	g, err := grayOf(frame)
	if err != nil {
		return Result{}, false
	}
	defer g.Close()
	f := newFrame(g, &l.r.det, liveLimits)
	defer f.close()
	l.n++
	budget := l.budget
	if budget == 0 {
		budget = liveBudget
	}
	l.combined = 1
	done := func(text string) (Result, bool) {
		l.track.reset()
		l.tried = l.tried[:0]
		return Validate(text), true
	}
	run := func(stage string, do func() (string, bool)) (string, bool) {
		if ctx.Err() != nil || !l.costs.fits(stage, clock()-start, budget) {
			return "", false
		}
		return l.costs.time(stage, clock, do)
	}
	// The primary pass runs on every frame, whatever it costs: it reads most codes. In a dark,
	// noisy scene gozxing's binarizer and finder search on the raw frame take three times as
	// long; the median-filtered frame is then both cheaper and the better read.
	primary := liveEvery[0]
	noisy := l.costs[primary.String()] > maxPrimaryCost
	if noisy {
		l.costs.decay(primary.String())
		primary = liveNoisy
	}
	passes := append([]attempt{primary}, liveEvery[1:]...)
	if l.track.active() && l.n%2 == 1 {
		// Following a code the passes have not read: every other frame, their time goes to
		// the module reader instead.
		passes = passes[1:]
	}
	for _, a := range passes {
		if text, ok := l.costs.time(a.String(), clock, func() (string, bool) { return f.try(a) }); ok {
			return done(text)
		}
	}
	f.loc.carry(l.track.seen)
	for _, t := range l.tried {
		f.loc.tried = append(f.loc.tried, t.g)
	}
	// The module reader: the followed code first, the best lead; then a new candidate (which
	// is followed instead if it fits better) — when there are finder patterns to go on.
	if l.track.active() {
		if text, ok := run(stageModules, func() (string, bool) { return l.readTrack(f) }); ok {
			return done(text)
		}
	}
	readNew := func() (string, bool) {
		if len(f.loc.seen) < 2 {
			return "", false
		}
		return run(stageModules, func() (string, bool) { return l.readNew(f) })
	}
	readEarly := len(f.loc.seen) >= 2
	if text, ok := readNew(); ok {
		return done(text)
	}
	// One rescue pass in turn. In a noisy scene those on the raw frame cost as much more as
	// the primary pass did: only those on the median-filtered or half-size frame run then.
	rescue := liveRescue[l.next]
	for i := 0; i < len(liveRescue) && (rescue == primary || noisy && (rescue.view == viewFull || rescue.view == viewThreeQuarter)); i++ {
		l.next = (l.next + 1) % len(liveRescue)
		rescue = liveRescue[l.next]
	}
	l.next = (l.next + 1) % len(liveRescue)
	if text, ok := run(rescue.String(), func() (string, bool) { return f.try(rescue) }); ok {
		return done(text)
	}
	if !readEarly { // the rescue pass may have seen what the module reader needs
		if text, ok := readNew(); ok {
			return done(text)
		}
	}
	l.remember(f)
	return Result{}, false
}

// readTrack reads the followed code in this frame, alone and averaged with the frames before.
// A code followed for trackGiveUp frames without a read is dropped for a while, so that the
// module reader turns to other candidates.
func (l *Live) readTrack(f *frame) (string, bool) {
	c, ok := l.track.candidate(f)
	if !ok {
		return "", false
	}
	text, ok, s := readCandidate(f.gray, c, f.loc.lim)
	if ok {
		return text, true
	}
	if text, ok := l.addToTrack(s); ok {
		return text, true
	}
	if l.track.stale() {
		l.tried = append(l.tried, triedAt{l.track.g, l.n})
		l.track.drop()
	}
	return "", false
}

// readNew reads the best candidate this frame located that is neither the followed code nor
// one that failed to fit lately. If it fits better than the followed code, it is followed
// instead.
func (l *Live) readNew(f *frame) (string, bool) {
	if l.track.active() {
		f.loc.skip = append(f.loc.skip, l.track.g)
	}
	text, ok, s := f.readLocated(1)
	if ok || s == nil {
		return text, ok
	}
	if !l.track.active() || s.score > l.track.score {
		l.track.drop()
		return l.addToTrack(s)
	}
	f.loc.unfit = append(f.loc.unfit, s.g) // fits, but worse than the followed code
	return "", false
}

// addToTrack adds a frame's sample to the followed code and reads their average.
func (l *Live) addToTrack(s *sample) (string, bool) {
	text, ok, n := l.track.add(s)
	if ok {
		l.combined = n
	}
	return text, ok
}

// remember keeps what this frame located for the next: its finder patterns, and the
// candidates that did not fit.
func (l *Live) remember(f *frame) {
	l.track.remember(f.loc.best())
	keep := l.tried[:0]
	for _, t := range l.tried {
		if l.n-t.frame < triedFrames {
			keep = append(keep, t)
		}
	}
	l.tried = keep
	for _, g := range f.loc.unfit {
		l.tried = append(l.tried, triedAt{g, l.n})
	}
}
