package capture

import (
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/internal/formgen"
)

// DemoPayload is what the demo form's QR code holds: a made-up application ID in the grouped
// form printed on real forms. It is not anyone's ID.
const DemoPayload = "1234 5678 9012 3456 7890 123"

// DemoOptions shape the demo camera. Zero values take the defaults.
type DemoOptions struct {
	Width, Height int              // frame size; default 1280×720
	FPS           float64          // frame rate the demo paces itself to; default 25
	Payload       string           // the QR payload; default DemoPayload
	Now           func() time.Time // clock for the motion and the pacing; default time.Now
}

// Stage is what the kiosk's current step wants in front of the camera.
type Stage int

const (
	StageForm   Stage = iota // an application form held up to the camera (the scan step)
	StagePerson              // a person sitting for the photo
)

// A Stager is a source that can show what a step needs: the demo camera. The kiosk tells it
// when the step changes; real cameras show whatever is in front of them.
type Stager interface {
	SetStage(Stage)
}

// Demo is a virtual camera. At the scan step it shows a generated application form held up in
// front of a booth camera, drifting and tilting slightly as a hand would hold it, every few
// seconds lowered out of view and raised again; at the photo step, a person (a public-domain
// portrait cut out of its background) stepping in front of a plain backdrop. It needs no
// hardware, so `make run` shows the whole application on any machine.
type Demo struct {
	mu     sync.Mutex
	opt    DemoOptions
	page   *formgen.Page
	scene  *formgen.Scene
	person *demoPerson // cut out in the background at the first photo step (it takes a moment)
	cutout chan *demoPerson
	stage  Stage
	start  time.Time
	next   time.Time
	n      uint64
}

// OpenDemo renders the form once and prepares the scene.
func OpenDemo(opt DemoOptions) (*Demo, error) {
	if opt.Width == 0 || opt.Height == 0 {
		opt.Width, opt.Height = 1280, 720
	}
	if opt.FPS <= 0 {
		opt.FPS = 25
	}
	if opt.Payload == "" {
		opt.Payload = DemoPayload
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	page, err := formgen.Form(opt.Payload, formgen.FormOptions{Width: 1000, Caption: opt.Payload})
	if err != nil {
		return nil, fmt.Errorf("capture: demo form: %w", err)
	}
	d := &Demo{opt: opt, page: page}
	if err := d.Reopen(); err != nil {
		return nil, err
	}
	return d, nil
}

// demoCycle is one round of the demo: the form comes up, is held, and goes down again.
const demoCycle = 12 * time.Second

// pose is where the form is at time t into the cycle: it slides up from below the frame for the
// first second, is held with a slight sway, and slides away over the last two seconds.
func (d *Demo) pose(t time.Duration) formgen.FrameOptions {
	qx, qy := d.page.QRCenter()
	s := t.Seconds()
	cycle := math.Mod(s, demoCycle.Seconds())
	lift := 0.0 // 0 = held in front of the camera, 1 = below the frame
	switch {
	case cycle < 1:
		lift = 1 - cycle
	case cycle > demoCycle.Seconds()-2:
		lift = (cycle - (demoCycle.Seconds() - 2)) / 2
	}
	// The QR code (about 280 px wide) sways around the middle of the frame.
	return formgen.FrameOptions{
		AnchorX:  qx,
		AnchorY:  qy,
		CenterX:  0.5 + 0.05*math.Sin(s*0.9),
		CenterY:  0.52 + 0.03*math.Sin(s*1.3) + 0.9*lift,
		Scale:    1.25 * float64(d.opt.Height) / 720,
		Rotation: 6 * math.Sin(s*0.7),
		TiltX:    10 * math.Sin(s*0.5),
		TiltY:    8 * math.Sin(s*0.8+1),
		Seed:     d.n,
	}
}

// Read renders the next frame, pacing itself to the frame rate like a real camera.
func (d *Demo) Read(dst *gocv.Mat) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.scene == nil {
		return fmt.Errorf("%w: demo camera is closed", ErrDisconnected)
	}
	if wait := d.next.Sub(d.opt.Now()); wait > 0 && wait < time.Second {
		time.Sleep(wait)
	}
	now := d.opt.Now()
	d.next = now.Add(time.Duration(float64(time.Second) / d.opt.FPS))
	d.n++
	if d.stage == StagePerson {
		if d.person == nil {
			select {
			case d.person = <-d.cutout:
			default:
			}
		}
		if d.person == nil {
			// Still cutting out: an empty booth until the person steps in.
			empty := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(float64(demoBackdrop.B), float64(demoBackdrop.G),
				float64(demoBackdrop.R), 0), d.opt.Height, d.opt.Width, gocv.MatTypeCV8UC3)
			empty.CopyTo(dst)
			empty.Close()
			return nil
		}
		return d.person.render(now.Sub(d.start), dst)
	}
	return d.scene.Render(d.pose(now.Sub(d.start)), dst)
}

// SetStage shows the form or the person, from the beginning of its motion: the form comes up
// again each time a scan step begins, as a resident holds it up after pressing Start.
func (d *Demo) SetStage(s Stage) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stage, d.start = s, d.opt.Now()
	if s == StagePerson && d.person == nil && d.cutout == nil {
		d.cutout = make(chan *demoPerson, 1)
		go func(c chan *demoPerson, w, h int) {
			p, err := newDemoPerson(w, h)
			if err != nil {
				slog.Error("demo camera: no person to show", "err", err)
				close(c)
				return
			}
			c <- p
		}(d.cutout, d.opt.Width, d.opt.Height)
	}
}

// Reopen starts the demo from the beginning.
func (d *Demo) Reopen() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.scene != nil {
		d.scene.Close()
	}
	scene, err := formgen.NewScene(d.page, d.opt.Width, d.opt.Height, 1)
	if err != nil {
		return fmt.Errorf("capture: demo scene: %w", err)
	}
	d.scene, d.start, d.n = scene, d.opt.Now(), 0
	return nil
}

func (d *Demo) Name() string { return "demo" }

func (d *Demo) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.scene != nil {
		d.scene.Close()
		d.scene = nil
	}
	if d.person == nil && d.cutout != nil {
		d.person = <-d.cutout // wait for a cut-out under way: it holds Mats
	}
	if d.person != nil {
		d.person.close()
		d.person = nil
	}
	d.cutout = nil
	return nil
}
