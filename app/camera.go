package app

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/qr"
	"github.com/idbooth/idbooth/upload"
)

// frameInterval caps the preview at 25 fps: smooth for people, and it leaves CPU for the rest.
const frameInterval = 40 * time.Millisecond

// camera reads the camera on its own goroutine: it decodes the form's QR code at the scan step,
// gives the live photo hint at the photo step, takes the still when asked, and hands preview
// images to the screen. Everything it changes on screen goes through fyne.Do.
type camera struct {
	k *kiosk

	mu     sync.Mutex
	src    capture.Source
	swap   capture.Source // a camera the operator chose, taken up by the next frame
	closed bool

	use      atomic.Int32 // flow.CameraUse
	preview  atomic.Bool  // operator mode's camera test: frames shown, nothing decoded
	stillReq atomic.Int64 // a still check asked for (its request number), 0 when none
	checking atomic.Bool  // a still check is running: no live hint meanwhile
	frames   atomic.Int64 // preview frames shown, to measure the rate during a still check
	ready    atomic.Bool  // the live hint said ready (the face guide turns green)
	down     bool

	// Frames per second of the preview, for operators and tests.
	fps atomic.Int64
	// lastTurn is when the loop last went round (unix ns): a camera stuck in a read stops it.
	lastTurn atomic.Int64
}

// stuckAfter is how long the camera loop may go without a turn before the kiosk stops saying it
// is alive (Options.Alive). It turns at least once a second, even with the camera unplugged.
const stuckAfter = 10 * time.Second

// alive reports whether the camera loop went round recently.
func (c *camera) alive(now time.Time) bool {
	return now.Sub(time.Unix(0, c.lastTurn.Load())) < stuckAfter
}

func newCamera(k *kiosk, src capture.Source) *camera { return &camera{k: k, src: src} }

func (c *camera) setUse(u flow.CameraUse) {
	if flow.CameraUse(c.use.Swap(int32(u))) == u {
		return
	}
	c.ready.Store(false)
	c.mu.Lock()
	src := c.src
	c.mu.Unlock()
	if st, ok := src.(capture.Stager); ok {
		switch u {
		case flow.CameraForm:
			st.SetStage(capture.StageForm)
		case flow.CameraFace:
			st.SetStage(capture.StagePerson)
		}
	}
	if u == flow.CameraFace {
		c.k.checker.ResetGuide()
	}
}

// replace makes the camera use src from the next frame on (operator mode); the old one is
// closed.
func (c *camera) replace(src capture.Source) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.swap != nil {
		c.swap.Close()
	}
	c.swap = src
}

func (c *camera) name() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.src.Name()
}

func (c *camera) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.swap != nil {
		c.swap.Close()
	}
	c.src.Close()
}

func (c *camera) current() capture.Source {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.swap != nil {
		c.src.Close()
		c.src, c.swap = c.swap, nil
		slog.Info("camera changed", "source", c.src.Name())
		if st, ok := c.src.(capture.Stager); ok && flow.CameraUse(c.use.Load()) == flow.CameraFace {
			st.SetStage(capture.StagePerson)
		}
	}
	return c.src
}

// pump holds what the camera loop reuses from frame to frame.
type pump struct {
	n      int // frames read
	frame  gocv.Mat
	reader *qr.Live
	conv   *previewConverter
}

func newPump() *pump {
	return &pump{frame: gocv.NewMat(), reader: qr.NewLive(), conv: newPreviewConverter()}
}

func (p *pump) close() {
	p.frame.Close()
	p.reader.Close()
	p.conv.Close()
}

func (c *camera) run(ctx context.Context) {
	p := newPump()
	defer p.close()
	next := time.Now()
	frames, since := 0, time.Now()
	for ctx.Err() == nil {
		c.lastTurn.Store(time.Now().UnixNano())
		if wait := time.Until(next); wait > 0 {
			if !sleep(ctx, wait) {
				return
			}
		}
		next = time.Now().Add(frameInterval)
		if flow.CameraUse(c.use.Load()) == flow.CameraOff && c.stillReq.Load() == 0 && !c.preview.Load() {
			// Nobody looks at the camera: leave it (and the CPU) alone.
			next = time.Now().Add(100 * time.Millisecond)
			continue
		}
		if !c.step(ctx, p) {
			continue
		}
		if frames++; time.Since(since) >= 2*time.Second {
			c.fps.Store(int64(float64(frames) / time.Since(since).Seconds()))
			frames, since = 0, time.Now()
		}
	}
}

// step reads one frame and does what the current step wants with it: decode the form's QR
// code, or give the live hint (or take the still); then it hands the preview to the screen. It
// reports whether a frame was read.
func (c *camera) step(ctx context.Context, p *pump) bool {
	use := flow.CameraUse(c.use.Load())
	src := c.current()
	if err := src.Read(&p.frame); err != nil {
		c.failed(ctx, src, err)
		return false
	}
	c.k.opt.Camera.Frame(time.Now())
	if c.down {
		slog.Info("camera back", "source", src.Name())
		c.down = false
		fyne.Do(func() { c.k.send(flow.CameraUp{}) })
	}
	guide := guideOff
	switch use {
	case flow.CameraForm:
		guide = guideForm
		if res, found := p.reader.Scan(ctx, p.frame); found {
			ev := flow.FormRead{ID: res.ID, Err: res.Err, FromCamera: true}
			fyne.Do(func() { c.k.send(ev) })
		}
	case flow.CameraFace:
		guide = guideFace
		if req := c.stillReq.Swap(0); req != 0 {
			c.takeStill(req, p.frame)
		} else if p.n++; !c.checking.Load() && p.n%2 == 0 {
			// The hint every other frame (12.5 a second): a person moves no faster, the hint
			// changes at most every 1.5 s, and the preview keeps the CPU it needs.
			h := c.k.checker.Guide(p.frame)
			c.ready.Store(h.Ready)
			fyne.Do(func() { c.k.showHint(h) })
		}
		if c.ready.Load() {
			guide = guideFaceReady
		}
	}
	img := p.conv.Convert(p.frame, guide)
	fyne.Do(func() { c.k.showPreview(img) })
	c.frames.Add(1)
	return true
}

// takeStill checks a copy of frame off this goroutine, so the preview goes on meanwhile.
func (c *camera) takeStill(req int64, frame gocv.Mat) {
	still := frame.Clone()
	c.checking.Store(true)
	c.k.fx.goWork(func() {
		defer still.Close()
		defer c.checking.Store(false)
		start, frames := time.Now(), c.frames.Load()
		res, err := c.k.checker.CheckStill(still)
		// The preview must not freeze while the still is checked (≥ 20 fps): operators see the
		// rate in the log.
		d := time.Since(start)
		slog.Info("still checked", "ms", d.Milliseconds(), "preview_fps", int(float64(c.frames.Load()-frames)/max(d.Seconds(), 0.001)))
		ev := flow.PhotoChecked{Req: int(req), Err: err}
		if err == nil {
			ev.Photo = photoOf(res)
		}
		recordCheck(c.k.opt.Camera, time.Now(), res, err)
		fyne.Do(func() { c.k.send(ev) })
	})
}

// photoOf is a check result as the flow keeps it.
func photoOf(res *photo.Result) *flow.Photo {
	p := &flow.Photo{OK: res.OK, JPEG: res.JPEG}
	for _, pr := range res.Problems {
		p.Problems = append(p.Problems, flow.Problem{Code: string(pr.Code), Key: pr.Key, Args: pr.Args})
	}
	return p
}

// recordCheck keeps a still check's outcome for the status report: passed, the code of its
// first problem, or a check that could not run.
func recordCheck(st *upload.CameraState, at time.Time, res *photo.Result, err error) {
	switch {
	case err != nil:
		st.CheckFailed(at)
	case res.OK:
		st.Checked(at, "")
	case len(res.Problems) > 0:
		st.Checked(at, string(res.Problems[0].Code))
	default:
		st.Checked(at, "other")
	}
}

// cameraCode is the status report's code for a camera that failed with err.
func cameraCode(err error) string {
	switch {
	case errors.Is(err, capture.ErrDisconnected):
		return upload.CameraDisconnected
	case errors.Is(err, capture.ErrEndOfStream):
		return upload.CameraEndOfStream
	}
	return upload.CameraMissing
}

// failed reports a camera that stopped and tries it again every second.
func (c *camera) failed(ctx context.Context, src capture.Source, err error) {
	c.k.opt.Camera.Failed(time.Now(), cameraCode(err))
	if !c.down {
		slog.Warn("camera stopped", "source", src.Name(), "err", err)
		c.down = true
		fyne.Do(func() { c.k.send(flow.CameraDown{}) })
	}
	if req := c.stillReq.Swap(0); req != 0 {
		ev := flow.PhotoChecked{Req: int(req), Err: err}
		fyne.Do(func() { c.k.send(ev) })
	}
	if c.k.fx.inline {
		return // tests step the camera themselves
	}
	if !sleep(ctx, time.Second) {
		return
	}
	if err := src.Reopen(); err != nil {
		slog.Debug("camera reopen failed", "source", src.Name(), "err", err)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
