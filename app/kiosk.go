// Package app is the kiosk's Fyne user interface: it draws the application flow (app/flow) and
// sends it what residents, staff and the camera do. Nothing imports app.
package app

import (
	"context"
	"errors"
	"image"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/app/voice"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/qr"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

// Settings are what the operator sets for the booth; operator mode edits them.
type Settings struct {
	BoothID, BoothName string
	// Lang is the language the kiosk starts in; Languages those offered to residents.
	Lang      string
	Languages []string
	// IdleTimeout: without a touch for this long, "are you still there?" (default 60 s).
	IdleTimeout time.Duration
	// PhotoSheet offers residents the ID-photo sheet on the thank-you screen.
	PhotoSheet bool
	// IntakeURL and IntakeToken: the operator's intake server ("" when none: offline).
	IntakeURL, IntakeToken string
	// Camera is the camera setting (capture.Open).
	Camera string
	// The accessibility defaults each session starts with: spoken guidance and its volume
	// (0–voice.MaxVolume), high contrast (yellow on black), large type.
	Voice        bool
	Volume       int
	HighContrast bool
	LargeType    bool
}

// Printing is the booth's printer as the kiosk uses it.
type Printing interface {
	booth.SlipPrinter
	// PrintPhotoSheet prints the ID-photo sheet of the application r.
	PrintPhotoSheet(ctx context.Context, r booth.Receipt, photo image.Image) error
	// SlipFile is where the slip of r went when the printer writes files ("" otherwise).
	SlipFile(r booth.Receipt) string
	// String names the printer for operators.
	String() string
}

// Options are what the kiosk runs with. The caller (idbooth's kiosk command) opens them and
// closes what it opened once Run returns, except Source, which the kiosk closes.
type Options struct {
	Source capture.Source
	Store  *storage.Store
	// Printer prints slips (nil: none).
	Printer Printing
	// Sync sends the queue to the intake (nil without an intake); the kiosk runs it.
	Sync *upload.Worker
	// NewSync makes a sync worker after the operator changed the intake settings (nil: the
	// settings apply at the next start).
	NewSync func(Settings) (*upload.Worker, error)
	// Camera receives the camera's state and each photo check's outcome, for the sync's status
	// report (nil: kept for nobody).
	Camera *upload.CameraState
	// PIN guards operator mode and staff overrides.
	PIN *pin.Lock
	// SetPIN stores a new operator PIN hash (nil: the PIN is changed with `idbooth pin`).
	SetPIN   func(hash string) error
	Settings Settings
	// SaveSettings persists the operator's changes (nil: they last until the kiosk stops).
	SaveSettings func(Settings) error
	// OpenCamera opens a camera setting chosen in operator mode (default capture.Open).
	OpenCamera func(spec string) (capture.Source, error)
	// SpeechCache keeps synthesised speech across restarts ("": memory only).
	SpeechCache string
	// Player plays speech and sounds (default: ALSA's aplay).
	Player voice.Player
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// Windowed runs in a 1280×800 window instead of full screen (development).
	Windowed bool
	Metadata fyne.AppMetadata
	// Ready, when set, is called once the first screen is shown (tests and start-up timing).
	Ready func()
	// Alive, when set, is called from the UI goroutine several times a second while both it and
	// the camera loop are turning (systemd's watchdog restarts a kiosk that stops calling it).
	Alive func()
	// Counter, when set, runs the kiosk at a municipal counter (counter mode).
	Counter *Counter
	Log     *slog.Logger
}

// Run shows the kiosk and returns when the window is closed or ctx is cancelled.
func Run(ctx context.Context, opt Options) error {
	if opt.Source == nil || opt.Store == nil {
		return errors.New("app: a camera and a queue are required")
	}
	fyneapp.SetMetadata(opt.Metadata)
	a := fyneapp.NewWithID(opt.Metadata.ID)
	k, err := newKiosk(a, opt)
	if err != nil {
		return err
	}
	defer k.close()
	if opt.Windowed {
		k.win.Resize(fyne.NewSize(1280, 800))
	} else {
		k.win.SetFullScreen(true)
	}
	ctx, cancel := context.WithCancel(ctx)
	k.start(ctx)
	go func() { <-ctx.Done(); fyne.Do(a.Quit) }()
	a.Lifecycle().SetOnStarted(func() {
		k.setScale(k.win.Canvas().Size())
		if opt.Ready != nil {
			opt.Ready()
		}
	})
	k.win.ShowAndRun()
	cancel()
	k.stop()
	return nil
}

// kiosk holds the window, the flow and the workers. Its methods run on the Fyne goroutine
// unless they say otherwise.
type kiosk struct {
	opt      Options
	app      fyne.App
	win      fyne.Window
	flow     *flow.Flow
	checker  *photo.Checker
	fx       *effects
	camera   *camera
	keyboard *qr.Keyboard // a barcode reader or a person typing the form ID
	speaker  *voice.Speaker
	log      *slog.Logger
	now      func() time.Time

	msgs       *assets.Catalog
	lang       string // the theme's language (its font)
	spokenLang string // the language of the last refresh: a change is announced
	announced  string // what was last announced (announcement)
	scale      float32
	portrait   bool
	look       look
	shown      flow.State
	version    uint64

	root    *fyne.Container
	chrome  *chrome
	screens map[flow.State]screen
	idle    *idleOverlay

	mu       sync.Mutex // guards sync for the operator's changes
	sync     *upload.Worker
	syncStop context.CancelFunc
	wg       sync.WaitGroup
	ctx      context.Context

	gestureTaps []time.Time
}

// A screen draws one or more states of the flow.
type screen interface {
	content() fyne.CanvasObject
	// render shows the flow's state in the current language.
	render(k *kiosk)
}

func newKiosk(a fyne.App, opt Options) (*kiosk, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.OpenCamera == nil {
		opt.OpenCamera = capture.Open
	}
	if opt.Camera == nil {
		opt.Camera = &upload.CameraState{}
	}
	s := &opt.Settings
	if s.Lang == "" {
		s.Lang = assets.DefaultLanguage
	}
	if len(s.Languages) == 0 {
		s.Languages = assets.Offered
	}
	checker, err := photo.NewChecker(photo.Options{Now: opt.Now, Logger: opt.Log})
	if err != nil {
		return nil, err
	}
	k := &kiosk{opt: opt, app: a, checker: checker, keyboard: qr.NewKeyboard(opt.Now), log: opt.Log, now: opt.Now,
		sync: opt.Sync, scale: 1280.0 / 1920}
	if opt.Windowed {
		k.scale = scaleFor(1280, 800)
	}
	// Typed digits stay until the session ends (the flow's idle time-out wipes them), however
	// long a resident takes to find them on the form.
	k.keyboard.StaleAfter = 0
	k.camera = newCamera(k, opt.Source)
	k.fx = &effects{k: k}
	k.speaker = newSpeaker(opt)
	k.flow = flow.New(k.flowConfig(), k.fx, pinAuth{opt.PIN})
	k.lang = s.Lang
	k.msgs = assets.Messages(s.Lang)
	k.look = look{contrast: s.HighContrast, large: s.LargeType}
	k.applyTheme()
	k.win = a.NewWindow(k.msgs.T(k.titleKey()))
	k.win.SetPadded(false)
	k.build()
	k.win.Canvas().SetOnTypedRune(k.typedRune)
	k.win.Canvas().SetOnTypedKey(k.typedKey)
	k.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierControl | fyne.KeyModifierAlt},
		func(fyne.Shortcut) { k.send(flow.OperatorRequest{}) })
	// Ctrl+L signs the clerk out (counter mode).
	k.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierControl},
		func(fyne.Shortcut) { k.send(flow.SignOut{}) })
	k.refresh()
	return k, nil
}

// flowConfig is the flow's configuration from the booth's settings.
func (k *kiosk) flowConfig() flow.Config {
	s := k.opt.Settings
	cfg := flow.Config{Now: k.now, Lang: s.Lang, Languages: s.Languages, BoothID: s.BoothID, BoothName: s.BoothName,
		PhotoSheet: s.PhotoSheet && k.opt.Printer != nil, IdleAfter: s.IdleTimeout, Log: k.log}
	if c := k.opt.Counter; c != nil {
		cfg.Counter, cfg.Staff, cfg.PhotoSheet = true, c.Staff, false
	}
	return cfg
}

// start runs the camera, the clock and the sync worker.
func (k *kiosk) start(ctx context.Context) {
	k.ctx = ctx
	k.wg.Add(3)
	go func() { defer k.wg.Done(); k.camera.run(ctx) }()
	go func() { defer k.wg.Done(); k.speaker.Run(ctx) }()
	go func() { defer k.wg.Done(); k.tick(ctx) }()
	k.startSync()
}

// stop waits for the workers after ctx was cancelled.
func (k *kiosk) stop() {
	k.mu.Lock()
	if k.syncStop != nil {
		k.syncStop()
	}
	k.mu.Unlock()
	k.wg.Wait()
	k.fx.wait()
}

func (k *kiosk) close() {
	k.flow.Send(flow.EndSession{}) // nothing of a resident's session outlives the kiosk
	k.checker.Close()
	k.camera.close()
}

// startSync runs the sync worker, if there is an intake.
func (k *kiosk) startSync() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.sync == nil || k.ctx == nil {
		return
	}
	ctx, cancel := context.WithCancel(k.ctx)
	k.syncStop = cancel
	w := k.sync
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		if err := w.Run(ctx); err != nil {
			k.log.Error("sync stopped", "err", err)
		}
	}()
}

func (k *kiosk) syncWorker() *upload.Worker {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.sync
}

// tick drives the flow's time-outs: four times a second, so the countdown keeps time.
func (k *kiosk) tick(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fyne.Do(func() {
				k.setScale(k.win.Canvas().Size()) // a window resized, a screen turned
				k.send(flow.Tick{})
				if k.opt.Alive != nil && k.camera.alive(time.Now()) {
					k.opt.Alive()
				}
			})
		}
	}
}

// send hands the flow an event and redraws what changed.
func (k *kiosk) send(ev flow.Event) {
	k.flow.Send(ev)
	k.refresh()
}

// refresh redraws after the flow changed: the screen of its state, in its language.
func (k *kiosk) refresh() {
	f := k.flow
	lang := f.Session().Lang
	if lang != k.lang {
		k.setLanguage(lang)
	}
	if f.Version() == k.version && f.State() == k.shown && k.root != nil && k.msgs.Lang() == lang {
		return
	}
	k.version = f.Version()
	state := f.State()
	if state == flow.Idle {
		state = f.Resume()
	}
	scr := k.screens[state]
	if state != k.shown {
		k.shown = state
		k.root.Objects = []fyne.CanvasObject{k.chrome.frame(scr.content())}
		k.root.Refresh()
		k.camera.setUse(state.Camera())
		k.camera.preview.Store(false) // operator mode's camera test turns it on for its tab
	}
	if a := k.announcement(); a != k.announced {
		// A new screen, the same screen in another language, Idle, the countdown's steps.
		k.announce(f.State(), lang != k.spokenLang)
	}
	k.spokenLang = lang
	k.chrome.render(k, state)
	scr.render(k)
	// Texts changed length, buttons came and went: lay the whole screen out again.
	k.root.Objects[0].Refresh()
	k.idle.render(k)
}

// setLanguage switches the theme's font to lang's script and the texts to lang.
func (k *kiosk) setLanguage(lang string) {
	k.lang = lang
	k.msgs = assets.Messages(lang)
	k.applyTheme()
	k.version = 0
}

// setScale adapts the type, the targets and the layout to the window's size (once the window
// has one): a portrait screen stacks what a landscape one puts side by side.
func (k *kiosk) setScale(s fyne.Size) {
	if s.Width <= 0 || s.Height <= 0 {
		return
	}
	if portrait := s.Height > s.Width; portrait != k.portrait {
		k.portrait = portrait
		k.fitHeader()
		for _, l := range []*languageGrid{k.screens[flow.Attract].(*attractScreen).langs, k.idle.langs} {
			l.orient(portrait)
		}
	}
	sc := scaleFor(s.Width*k.win.Canvas().Scale(), s.Height*k.win.Canvas().Scale())
	if d := sc - k.scale; d > -0.02 && d < 0.02 {
		return
	}
	k.scale = sc
	k.applyTheme()
}

// look is how the screens are drawn for this resident: high contrast (yellow on black), large
// type. Each resident may change it; a new session starts with the booth's default.
type look struct{ contrast, large bool }

// applyTheme draws the screens in the current language, scale and look.
func (k *kiosk) applyTheme() {
	pal = &lightPalette
	if k.look.contrast {
		pal = &contrastPalette
	}
	font := k.lang
	if k.counter() {
		// The clerk's screens show the documents' Japanese names in every language.
		font = assets.DefaultLanguage
	}
	k.app.Settings().SetTheme(newKioskTheme(font, k.scale, pal, k.look.large))
	if k.chrome != nil {
		k.fitHeader()
	}
	k.shown = -1 // the frame is rebuilt in the new colours
	k.version = 0
}

// setLook changes the resident's look.
func (k *kiosk) setLook(l look) {
	if l != k.look {
		k.look = l
		k.applyTheme()
		k.refresh()
	}
}

// build makes the window's widgets once; screens are redrawn, not rebuilt.
func (k *kiosk) build() {
	k.chrome = newChrome(k)
	k.fitHeader()
	k.screens = map[flow.State]screen{}
	attract := newAttractScreen(k)
	k.screens[flow.Attract] = attract
	k.screens[flow.Scan] = newScanScreen(k)
	k.screens[flow.BirthDate] = newBirthScreen(k)
	k.screens[flow.Options] = newOptionsScreen(k)
	k.screens[flow.Instructions] = newInstructionsScreen(k)
	live := newLiveScreen(k)
	k.screens[flow.Live], k.screens[flow.Countdown], k.screens[flow.Checking] = live, live, live
	k.screens[flow.Review] = newReviewScreen(k)
	pinScreen := newPINScreen(k)
	k.screens[flow.StaffPIN], k.screens[flow.OperatorPIN] = pinScreen, pinScreen
	k.screens[flow.StaffReason] = newStaffReasonScreen(k)
	k.screens[flow.Confirm] = newConfirmScreen(k)
	k.screens[flow.Sending] = newSendingScreen(k)
	k.screens[flow.Done] = newDoneScreen(k)
	k.screens[flow.AskStaff] = newAskStaffScreen(k)
	k.screens[flow.Operator] = newOperatorScreen(k)
	if k.counter() {
		k.screens[flow.SignIn] = newSignInScreen(k)
		k.screens[flow.Identity] = newIdentityScreen(k)
		k.screens[flow.Instructions] = newSourceScreen(k)
		k.screens[flow.StaffReason] = newReasonScreen(k)
	}
	k.idle = newIdleOverlay(k)
	k.shown = -1
	k.root = container.NewStack()
	k.win.SetContent(container.NewStack(k.root, k.idle.content))
}

// gesture counts taps on the title: five within three seconds open operator mode.
func (k *kiosk) gesture() {
	now := k.now()
	taps := k.gestureTaps[:0]
	for _, t := range k.gestureTaps {
		if now.Sub(t) < 3*time.Second {
			taps = append(taps, t)
		}
	}
	k.gestureTaps = append(taps, now)
	if len(k.gestureTaps) >= 5 {
		k.gestureTaps = k.gestureTaps[:0]
		k.send(flow.OperatorRequest{})
	}
}

// pinAuth adapts the PIN lock to the flow (no lock: no PIN is set up).
type pinAuth struct{ l *pin.Lock }

func (p pinAuth) CheckPIN(s string) error {
	if p.l == nil {
		return pin.ErrNoPIN
	}
	return p.l.CheckPIN(s)
}

// chrome is what every screen shares: the title (the hidden gesture), the step indicator and
// the language button at the top; Back at the bottom left and the primary action at the bottom
// right, always in the same places.
type chrome struct {
	title     *canvas.Text
	steps     *stepBar
	lang      *tapButton
	back      *tapButton
	primary   *tapButton
	header    *fyne.Container
	stacked   bool // the steps are under the title, not beside it
	footer    fyne.CanvasObject
	access    *accessBar
	titleArea fyne.CanvasObject
}

func newChrome(k *kiosk) *chrome {
	c := &chrome{}
	c.title = canvas.NewText("", pal.text)
	c.steps = newStepBar(flow.Steps + 1) // the counter's identity step
	c.lang = newTapButton("", false, func() {
		if k.counter() {
			k.send(flow.SignOut{})
		} else {
			k.toAttractLanguages()
		}
	})
	c.back = newTapButton("", false, func() { k.send(flow.Back{}) })
	c.primary = newTapButton("", true, func() { k.send(flow.Next{}) })
	c.primary.MinWidth = 420
	c.titleArea = container.NewStack(container.NewPadded(c.title), newTapArea(k.gesture))
	c.header = container.NewStack()
	c.orient(false)
	c.stacked = false
	c.access = newAccessBar(k)
	// The accessibility controls have a row of their own above Back and the primary action:
	// beside them they would not fit in large type, nor in a long translation.
	c.footer = container.NewPadded(container.NewVBox(container.NewCenter(c.access.content),
		container.NewBorder(nil, nil, c.back, c.primary, layout.NewSpacer())))
	return c
}

// orient lays the header out in one row (landscape) or two, the steps under the title (portrait
// or large type, where one row does not fit).
func (c *chrome) orient(stacked bool) {
	c.stacked = stacked
	steps := container.NewCenter(c.steps.content)
	var h fyne.CanvasObject
	if stacked {
		h = container.NewVBox(container.NewBorder(nil, nil, c.titleArea, c.lang), steps)
	} else {
		h = container.NewBorder(nil, nil, c.titleArea, c.lang, steps)
	}
	c.header.Objects = []fyne.CanvasObject{container.NewPadded(h)}
	c.header.Refresh()
}

// fitHeader puts the steps under the title when they do not fit beside it: on a portrait
// screen, in large type, and wherever a translation's step names are long (Tagalog at 1280).
func (k *kiosk) fitHeader() {
	c := k.chrome
	pad := theme.Padding()
	oneRow := c.titleArea.MinSize().Width + c.steps.content.MinSize().Width + c.lang.MinSize().Width + 4*pad
	stacked := k.portrait || k.look.large || oneRow > k.win.Canvas().Size().Width
	if stacked != c.stacked {
		c.orient(stacked)
	}
}

// frame puts a screen's content between the header and the footer.
func (c *chrome) frame(body fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(pal.panel)
	return container.NewBorder(container.NewStack(bg, c.header), c.footer, nil, nil, container.NewPadded(body))
}

// render sets the shared parts for state.
func (c *chrome) render(k *kiosk, state flow.State) {
	m := k.msgs
	c.title.Text, c.title.TextSize, c.title.Color = m.T(k.titleKey()), k.size(sizeBody), pal.text
	c.title.Refresh()
	step := k.flow.Step()
	if step > 0 {
		var names []string
		for _, st := range k.flow.StepStates() {
			if st == flow.Identity {
				names = append(names, m.T("counter.step.identity"))
			} else {
				names = append(names, m.T("ui.step."+string(rune('0'+st.Step()))))
			}
		}
		c.steps.set(names, step)
		c.steps.content.Show()
		k.fitHeader()
	} else {
		c.steps.content.Hide()
	}
	resident := step > 0 || state == flow.Attract
	c.access.render(k, !k.counter() && (resident || state == flow.Done || state == flow.AskStaff))
	c.lang.set(m.T("ui.language"), true)
	switch {
	case k.counter() && k.flow.Clerk() != nil:
		// The clerk's name and the way out, where residents find the language.
		c.lang.set(m.T("counter.clerk", k.flow.Clerk().Name)+"  ·  "+m.T("counter.signout"), true)
		c.lang.Show()
	case !k.counter() && resident && state != flow.Attract && len(k.opt.Settings.Languages) > 1:
		c.lang.Show()
	default:
		c.lang.Hide()
	}
	back, primary, enabled := k.actions(state)
	if back == "" {
		c.back.Hide()
	} else {
		c.back.set(m.T(back), true)
		c.back.Show()
	}
	if primary == "" {
		c.primary.Hide()
	} else {
		c.primary.set(m.T(primary), enabled)
		c.primary.Show()
	}
	c.header.Refresh()
	c.footer.Refresh()
}

// actions are the Back and primary buttons' texts of a state ("" hides one) and whether the
// primary action can be taken now. The flow decides what they do: Escape and Enter send the
// same events.
func (k *kiosk) actions(state flow.State) (back, primary string, enabled bool) {
	f := k.flow
	s := f.Session()
	if k.counter() {
		if b, p, e, ok := k.counterActions(state); ok {
			return b, p, e
		}
	}
	switch state {
	case flow.Attract:
		return "", "ui.attract.start", true
	case flow.Scan:
		return "ui.back", "ui.next", f.ScanPhase() == flow.ScanRead
	case flow.BirthDate, flow.Options:
		return "ui.back", "ui.next", true
	case flow.Instructions:
		return "ui.back", "ui.instructions.go", true
	case flow.Live:
		return "ui.back", "ui.live.take", !f.CameraDown()
	case flow.Countdown:
		return "ui.back", "", false
	case flow.Review:
		if s.Photo != nil && s.Photo.OK {
			return "ui.review.retake", "ui.review.use", true
		}
		return "ui.back", "ui.review.retake", true
	case flow.StaffPIN, flow.OperatorPIN:
		return "ui.back", "ui.next", f.PINLength() >= pin.MinLength
	case flow.StaffReason:
		return "ui.back", "", false
	case flow.Confirm:
		return "ui.back", "ui.confirm.send", true
	case flow.Done:
		return "", "ui.done.finish", true
	case flow.AskStaff:
		return "", "ui.ask_staff.restart", true
	case flow.Operator:
		return "", "", false
	}
	return "", "", false
}

// titleKey is the window's title: the booth's, or the counter's.
func (k *kiosk) titleKey() string {
	if k.counter() {
		return "counter.title"
	}
	return "ui.title"
}

func (k *kiosk) size(n fyne.ThemeSizeName) float32 { return k.app.Settings().Theme().Size(n) }

// toAttractLanguages is the language button's action inside a session: the resident changes
// language where they are (a small chooser over the screen).
func (k *kiosk) toAttractLanguages() { k.idle.showLanguages(k) }

// placeholder is an empty image for previews and photos that are not there (any more).
var placeholder = image.NewRGBA(image.Rect(0, 0, 4, 3))

// blankImage clears an image widget.
func blankImage(img *canvas.Image) {
	img.Image = placeholder
	img.Refresh()
}
