// Package flow is the kiosk's application flow as one state machine, with no Fyne types: named
// states, events, time-outs on an injectable clock, and a failsafe state that any unexpected
// error leads to (DESIGN §6, after pibooth's state list). Screens only draw the state and send
// events; the slow work (checking a still, queueing an application) is done by Effects, which
// answer with events.
//
// A Flow is not safe for concurrent use: the kiosk calls it from the UI goroutine only.
package flow

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// Effects does the flow's slow work. Each call returns at once; the answer comes back as an
// event carrying the same request number, so an answer to an abandoned request is ignored.
type Effects interface {
	// CheckPhoto takes the still now and checks it; answer with PhotoChecked.
	CheckPhoto(req int)
	// Submit queues the application and prints its slip; answer with Submitted.
	Submit(req int, a *booth.Application)
	// PrintPhotoSheet prints the ID-photo sheet of a queued application.
	PrintPhotoSheet(uuid string)
	// Wiped says the session was wiped: clear whatever the UI holds outside the flow (typed
	// text, images on screen).
	Wiped()
}

// CounterEffects is the slow work of counter mode: answer ImportPhoto with PhotoChecked.
type CounterEffects interface {
	// SubmitCounter queues a counter application with its record (the clerk, the identity
	// verification); answer with Submitted.
	SubmitCounter(req int, a *booth.Application, r *CounterRecord)
	// ImportPhoto reads the photo from src (a file, the scanner) and checks it like a still.
	ImportPhoto(req int, src PhotoSource)
	// Reprint prints the slip of the queued application again, for the clerk c.
	Reprint(uuid string, c Clerk)
}

// Auth checks the staff and operator PIN (a slow hash with a lockout: package pin).
type Auth interface {
	CheckPIN(pin string) error
}

// Config sets the flow's languages, booth and time-outs. Zero values take the defaults.
type Config struct {
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
	// Lang is the booth's default language (default "ja"); Languages those offered.
	Lang      string
	Languages []string
	// BoothID and BoothName go on every application and slip.
	BoothID, BoothName string
	// PhotoSheet offers the ID-photo sheet on the thank-you screen.
	PhotoSheet bool

	// IdleAfter without a touch, a key or a face asks "are you still there?" (default 60 s);
	// IdleGrace later the session is wiped (default 20 s).
	IdleAfter, IdleGrace time.Duration
	// ReadAdvance: after a good read the scan screen moves on by itself (default 1.5 s).
	ReadAdvance time.Duration
	// WrongCodeShown: how long "this is not the form's QR" stays (default 4 s).
	WrongCodeShown time.Duration
	// CountdownFrom and CountdownStep: 3-2-1 a second apart by default.
	CountdownFrom int
	CountdownStep time.Duration
	// DoneShown: the thank-you screen returns to the start after this (default 30 s).
	DoneShown time.Duration
	// AskStaffWipe: the failsafe screen wipes an abandoned session after this (default 5 min).
	AskStaffWipe time.Duration
	// OperatorIdle: operator mode closes after this without a touch (default 2 min).
	OperatorIdle time.Duration

	// Counter runs the flow at a municipal counter (the Effects must be CounterEffects):
	// clerks sign in with Staff, and the idle time-out signs them out.
	Counter bool
	Staff   Staff

	Log *slog.Logger
}

func (c *Config) defaults() {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Lang == "" {
		c.Lang = "ja"
	}
	if len(c.Languages) == 0 {
		c.Languages = []string{c.Lang}
	}
	set(&c.IdleAfter, 60*time.Second)
	set(&c.IdleGrace, 20*time.Second)
	set(&c.ReadAdvance, 1500*time.Millisecond)
	set(&c.WrongCodeShown, 4*time.Second)
	set(&c.CountdownStep, time.Second)
	set(&c.DoneShown, 30*time.Second)
	set(&c.AskStaffWipe, 5*time.Minute)
	set(&c.OperatorIdle, 2*time.Minute)
	if c.CountdownFrom <= 0 {
		c.CountdownFrom = 3
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// ScanPhase is what the scan screen shows.
type ScanPhase int

const (
	ScanSearching ScanPhase = iota // waiting for a form
	ScanRead                       // a good ID was read: moving on
	ScanWrong                      // a code was read but it is not a form's (Flow.ScanErr says why)
)

// Flow is the kiosk's state machine.
type Flow struct {
	cfg  Config
	fx   Effects
	auth Auth

	state      State
	since      time.Time // when the state was entered
	lastActive time.Time
	resume     State // what Idle returns to
	version    uint64

	session Session
	req     int // the current CheckPhoto or Submit request

	scanPhase   ScanPhase
	scanErr     error
	scanAdvance bool // a fresh read moves on by itself
	cameraDown  bool
	countdown   int
	inputErr    error  // what is wrong with the date of birth, the PIN or the staff reason
	pin         []byte // the PIN being typed (staff or operator)
	failure     error  // why the failsafe state was entered (for operators; never shown)
	sheetAsked  bool
	stats       Stats

	clerk     *Clerk // counter mode: who is signed in
	staffID   []byte // the staff ID being typed
	signField int    // 0: the staff ID, 1: the PIN
	importSrc *PhotoSource
}

// New makes a flow on the attract screen.
func New(cfg Config, fx Effects, auth Auth) *Flow {
	cfg.defaults()
	f := &Flow{cfg: cfg, fx: fx, auth: auth}
	f.session.wipe(cfg.Lang)
	if cfg.Counter {
		f.state = SignIn
	}
	f.since, f.lastActive = cfg.Now(), cfg.Now()
	f.stats.reset(cfg.Now())
	return f
}

// Configure changes the configuration (operator settings); a session under way keeps its
// language and what was entered.
func (f *Flow) Configure(cfg Config) {
	cfg.defaults()
	f.cfg = cfg
	f.changed()
}

// State is the current state.
func (f *Flow) State() State { return f.state }

// Version changes whenever anything the screens show changed: redraw when it does.
func (f *Flow) Version() uint64 { return f.version }

// Session is what the resident entered so far (read only).
func (f *Flow) Session() *Session { return &f.session }

// Config is the flow's configuration, with defaults applied.
func (f *Flow) Config() Config { return f.cfg }

// ScanPhase and ScanErr say what the scan screen shows.
func (f *Flow) ScanPhase() ScanPhase { return f.scanPhase }
func (f *Flow) ScanErr() error       { return f.scanErr }

// CameraDown reports whether the camera stopped delivering frames.
func (f *Flow) CameraDown() bool { return f.cameraDown }

// Countdown is the number the countdown shows (3, 2, 1).
func (f *Flow) Countdown() int { return f.countdown }

// InputErr is what is wrong with what was typed on this screen (a date of birth, a PIN, a
// staff reason), or nil.
func (f *Flow) InputErr() error { return f.inputErr }

// PINLength is how many PIN digits were typed (the digits themselves are never shown).
func (f *Flow) PINLength() int { return len(f.pin) }

// Failure is why the flow is in the failsafe state (for operators' logs, not for residents).
func (f *Flow) Failure() error { return f.failure }

// Resume is the state Idle returns to.
func (f *Flow) Resume() State { return f.resume }

// IdleLeft is how long until an idle session is wiped (in Idle).
func (f *Flow) IdleLeft() time.Duration {
	return max(0, f.cfg.IdleGrace-f.cfg.Now().Sub(f.since))
}

// TriesLeft is how many refused photos the resident may take before staff help is offered.
func (f *Flow) TriesLeft() int { return max(0, booth.ResidentTries-f.session.Refused) }

// StaffHelp reports whether the review screen offers staff help for the refused photo.
func (f *Flow) StaffHelp() bool {
	p := f.session.Photo
	return p != nil && !p.OK && (f.cfg.Counter || f.session.Refused >= booth.ResidentTries)
}

// PhotoSheetOffered reports whether the thank-you screen offers the ID-photo sheet.
func (f *Flow) PhotoSheetOffered() bool {
	return f.cfg.PhotoSheet && f.session.Result != nil && !f.sheetAsked
}

// Stats are today's counts for the operator screen.
func (f *Flow) Stats() Stats { return f.stats }

// Send handles one event. Any panic inside a state leads to the failsafe state.
func (f *Flow) Send(ev Event) {
	defer func() {
		if r := recover(); r != nil {
			f.fail(fmt.Errorf("flow: panic in %s on %T: %v\n%s", f.state, ev, r, debug.Stack()))
		}
	}()
	now := f.cfg.Now()
	f.stats.rollOver(now)
	if isActivity(ev) {
		f.lastActive = now
		if f.state == Idle {
			// Any touch or key means "still here": it only dismisses the question.
			f.state, f.since = f.resume, now
			f.changed()
			return
		}
	}
	switch ev := ev.(type) {
	case Tick:
		f.tick(now)
		return
	case Failure:
		f.fail(ev.Err)
		return
	case SetLang:
		f.session.Lang = ev.Lang
		f.changed()
		return
	case CameraDown:
		if !f.cameraDown {
			f.cameraDown = true
			f.changed()
		}
		return
	case CameraUp:
		if f.cameraDown {
			f.cameraDown = false
			f.changed()
		}
		return
	case EndSession:
		f.signOut(SignOutClosed)
		f.enter(Attract)
		return
	case SignOut:
		if f.clerk != nil {
			f.signOut(SignOutManual)
			f.enter(Attract)
		}
		return
	case OperatorRequest:
		switch f.state {
		case Attract, AskStaff, Done, SignIn:
			f.signOut(SignOutManual)
			f.enter(OperatorPIN)
		}
		return
	}
	f.step(ev, now)
}

// isActivity reports whether an event comes from a person at the booth.
func isActivity(ev Event) bool {
	switch ev := ev.(type) {
	case Tick, PhotoChecked, Submitted, CameraDown, CameraUp, Failure:
		return false
	case FormRead:
		return !ev.FromCamera
	}
	return true
}

// step handles an event in the current state.
func (f *Flow) step(ev Event, now time.Time) {
	s := &f.session
	switch f.state {
	case SignIn:
		f.signIn(ev)

	case Identity:
		f.identityStep(ev)

	case Attract:
		switch ev := ev.(type) {
		case Start:
			if ev.Lang != "" {
				s.Lang = ev.Lang
			}
			f.stats.Sessions++
			f.enter(Scan)
		case Next:
			f.stats.Sessions++
			f.enter(Scan)
		}

	case Scan:
		switch ev := ev.(type) {
		case FormRead:
			f.formRead(ev, now)
		case ScanAgain:
			s.FormID, f.scanPhase, f.scanErr = "", ScanSearching, nil
			f.since = now
			f.changed()
		case Next:
			if s.FormID != "" {
				f.enter(BirthDate)
			}
		case Back:
			f.enter(Attract)
		}

	case BirthDate:
		switch ev := ev.(type) {
		case Digit:
			s.Birth.add(ev.D)
			f.checkBirth(now, false)
		case Backspace:
			s.Birth.backspace()
			f.checkBirth(now, false)
		case SetCalendar:
			s.Birth.setEra(ev.Era, now)
			f.checkBirth(now, false)
		case Next:
			if f.checkBirth(now, true) {
				f.enter(f.pick(Identity, Options))
			}
		case Back:
			f.enter(Scan)
		}

	case Options:
		switch ev := ev.(type) {
		case SetECertificate:
			s.Options.ECertificate = ev.Yes
			f.changed()
		case SetBraille:
			s.Options.Braille = ev.Yes
			f.changed()
		case Next:
			f.enter(Instructions)
		case Back:
			f.enter(f.pick(Identity, BirthDate))
		}

	case Instructions:
		switch ev := ev.(type) {
		case Next:
			f.enter(Live)
		case ImportPhoto:
			if f.cfg.Counter {
				src := ev.Source
				f.importSrc = &src
				f.enter(Checking)
			}
		case Back:
			f.enter(Options)
		}

	case Live:
		switch ev.(type) {
		case Next:
			if !f.cameraDown {
				f.enter(Countdown)
			}
		case Back:
			f.enter(Instructions)
		}

	case Countdown:
		if _, ok := ev.(Back); ok {
			f.enter(Live)
		}

	case Checking:
		switch ev := ev.(type) {
		case PhotoChecked:
			if ev.Req != f.req {
				return
			}
			if ev.Err != nil {
				f.fail(fmt.Errorf("photo check: %w", ev.Err))
				return
			}
			s.Photo.wipe()
			s.Photo = ev.Photo
			s.Tries++
			f.stats.Photos++
			if !ev.Photo.OK {
				s.Refused++
				f.stats.refused(ev.Photo.Codes())
			}
			f.enter(Review)
		case Back:
			f.req++ // the answer to the abandoned check is ignored
			if f.importSrc != nil {
				f.enter(Instructions)
			} else {
				f.enter(Live)
			}
		}

	case Review:
		switch ev.(type) {
		case Next:
			if s.Photo != nil && s.Photo.OK {
				s.Check = booth.PhotoCheck{OK: true}
				f.enter(Confirm)
			} else {
				f.retake()
			}
		case Retake, Back:
			f.retake()
		case CallStaff:
			if f.StaffHelp() {
				// At the counter the clerk is signed in: their override needs no PIN.
				f.enter(f.pick(StaffReason, StaffPIN))
			}
		}

	case StaffPIN, OperatorPIN:
		switch ev := ev.(type) {
		case Digit:
			if len(f.pin) < 12 {
				f.pin = append(f.pin, ev.D)
			}
			f.inputErr = nil
			f.changed()
		case Backspace:
			if n := len(f.pin); n > 0 {
				f.pin = f.pin[:n-1]
			}
			f.changed()
		case Next:
			f.checkPIN()
		case Back:
			if f.state == StaffPIN {
				f.enter(Review)
			} else {
				f.enter(Attract)
			}
		}

	case StaffReason:
		switch ev := ev.(type) {
		case StaffAccept:
			check := booth.PhotoCheck{OK: false, Problems: s.Photo.Codes()}
			accepted, err := booth.AcceptPhoto(check, ev.Reason)
			if err != nil {
				f.inputErr = err
				f.changed()
				return
			}
			s.Check = accepted
			f.stats.Overrides++
			if f.clerk != nil {
				f.cfg.Log.Info("flow: photo override", "clerk", f.clerk.ID)
			}
			f.enter(Confirm)
		case Back:
			f.enter(Review)
		}

	case Confirm:
		switch ev := ev.(type) {
		case SetSlipLang:
			if f.cfg.Counter && slices.Contains(f.cfg.Languages, ev.Lang) {
				s.SlipLang = ev.Lang
				f.changed()
			}
		case Next:
			f.enter(Sending)
		case Back:
			f.enter(Review)
		}

	case Sending:
		if ev, ok := ev.(Submitted); ok && ev.Req == f.req {
			if ev.Err != nil {
				// Not queued: the session stays for staff, who see why in the log.
				f.fail(fmt.Errorf("submit: %w", ev.Err))
				return
			}
			s.Result, s.SlipFile = ev.Result, ev.SlipFile
			f.stats.Applications++
			if ev.Result != nil && ev.Result.SlipErr != nil {
				f.stats.SlipFailures++
			}
			f.enter(Done)
		}

	case Done:
		switch ev.(type) {
		case Next, Back:
			f.enter(Attract)
		case Reprint:
			if fx, ok := f.fx.(CounterEffects); ok && f.clerk != nil && s.Result != nil && s.Result.Application != nil {
				s.Reprints++
				fx.Reprint(s.Result.Application.UUID, *f.clerk)
				f.changed()
			}
		case PrintPhotoSheet:
			if f.PhotoSheetOffered() {
				f.sheetAsked = true
				f.fx.PrintPhotoSheet(s.Result.Application.UUID)
				f.changed()
			}
		}

	case AskStaff:
		if _, ok := ev.(Next); ok {
			f.enter(Attract)
		}

	case Operator:
		switch ev.(type) {
		case OperatorLeave, Back:
			f.enter(Attract)
		}
	}
}

// tick applies the time-outs of the current state.
func (f *Flow) tick(now time.Time) {
	in := now.Sub(f.since)
	switch {
	case f.state.resident() && now.Sub(f.lastActive) >= f.cfg.IdleAfter:
		f.resume = f.state
		f.enter(Idle)
	case f.state == Idle && in >= f.cfg.IdleGrace:
		f.cfg.Log.Info("flow: session wiped after idle", "was", f.resume.String())
		f.signOut(SignOutIdle)
		f.enter(Attract)
	case f.state == Idle:
		f.changed() // the countdown on screen
	case f.state == SignIn && (len(f.staffID) > 0 || len(f.pin) > 0) && now.Sub(f.lastActive) >= f.cfg.IdleAfter:
		f.clearSignIn(true) // a half-typed sign-in is not left for the next person
		f.changed()
	case f.state == Scan && f.scanPhase == ScanRead && f.scanAdvance && in >= f.cfg.ReadAdvance:
		f.enter(BirthDate)
	case f.state == Scan && f.scanPhase == ScanWrong && in >= f.cfg.WrongCodeShown:
		f.scanPhase, f.scanErr = ScanSearching, nil
		f.changed()
	case f.state == Countdown && in >= time.Duration(f.cfg.CountdownFrom-f.countdown+1)*f.cfg.CountdownStep:
		if f.countdown--; f.countdown <= 0 {
			f.enter(Checking)
		} else {
			f.changed()
		}
	case f.state == Done && in >= f.cfg.DoneShown,
		f.state == AskStaff && in >= f.cfg.AskStaffWipe,
		(f.state == Operator || f.state == OperatorPIN) && now.Sub(f.lastActive) >= f.cfg.OperatorIdle:
		f.enter(Attract)
	}
}

// enter leaves the current state for s and runs s's enter action.
func (f *Flow) enter(s State) {
	from := f.state
	now := f.cfg.Now()
	if s == Attract && f.cfg.Counter {
		// The counter has no attract screen: the next application, or the sign-in.
		f.wipe()
		s = Scan
		if f.clerk == nil {
			s = SignIn
		}
	}
	f.cfg.Log.Info("flow", "from", from.String(), "to", s.String())
	f.state, f.since = s, now
	f.inputErr = nil
	if from == StaffPIN || from == OperatorPIN || from == SignIn {
		clear(f.pin)
		f.pin = f.pin[:0]
	}
	if from != Idle && s != Idle {
		f.lastActive = now
	}
	switch s {
	case Attract:
		f.wipe()
	case Scan:
		f.scanErr = nil
		// Back from a later step, the ID read stays and does not move on by itself: the
		// resident came back on purpose, to check it or to scan another form.
		f.scanPhase, f.scanAdvance = ScanSearching, false
		if f.session.FormID != "" {
			f.scanPhase = ScanRead
		}
	case Countdown:
		f.countdown = f.cfg.CountdownFrom
	case Instructions, Live:
		f.importSrc = nil
	case Checking:
		f.req++
		if fx, ok := f.fx.(CounterEffects); ok && f.importSrc != nil {
			fx.ImportPhoto(f.req, *f.importSrc)
		} else {
			f.fx.CheckPhoto(f.req)
		}
	case Sending:
		f.req++
		if fx, ok := f.fx.(CounterEffects); ok && f.cfg.Counter {
			fx.SubmitCounter(f.req, f.application(), f.counterRecord())
		} else {
			f.fx.Submit(f.req, f.application())
		}
	case OperatorPIN, Operator:
		f.wipe() // operator mode never shows a resident's data
	}
	f.changed()
}

// wipe forgets the session and asks the UI to clear what it shows.
func (f *Flow) wipe() {
	f.session.wipe(f.cfg.Lang)
	f.scanPhase, f.scanErr, f.inputErr, f.failure, f.sheetAsked = ScanSearching, nil, nil, nil, false
	f.req++
	f.fx.Wiped()
}

func (f *Flow) changed() { f.version++ }

// fail enters the failsafe state: a calm "please ask staff" that keeps the queue intact.
func (f *Flow) fail(err error) {
	if err == nil {
		err = errors.New("unknown failure")
	}
	f.cfg.Log.Error("flow: failsafe", "state", f.state.String(), "err", err)
	f.enter(AskStaff)
	f.failure = err
}

func (f *Flow) formRead(ev FormRead, now time.Time) {
	s := &f.session
	if ev.Err != nil {
		if f.scanPhase == ScanRead {
			return // a good form was read: a stray code does not undo it
		}
		if f.scanPhase == ScanWrong && ev.FromCamera && errors.Is(ev.Err, f.scanErr) {
			return // the same wrong code still held up: the message does not restart
		}
		f.scanPhase, f.scanErr, f.since = ScanWrong, ev.Err, now
		f.changed()
		return
	}
	if f.scanPhase == ScanRead && (ev.FromCamera || ev.ID == s.FormID) {
		return // the form is still held up
	}
	s.FormID, s.FormFromCamera = ev.ID, ev.FromCamera
	f.scanPhase, f.scanErr, f.scanAdvance, f.since = ScanRead, nil, true, now
	f.changed()
}

// checkBirth validates the date of birth as typed. A wrong complete date is shown at once;
// an incomplete one only when the resident presses Next.
func (f *Flow) checkBirth(now time.Time, next bool) bool {
	_, err := f.session.Birth.Date(now)
	f.inputErr = nil
	if err != nil && (next || f.session.Birth.Complete()) {
		f.inputErr = err
	}
	f.changed()
	return err == nil
}

func (f *Flow) checkPIN() {
	err := errors.New("flow: no PIN is set up")
	if f.auth != nil {
		err = f.auth.CheckPIN(string(f.pin))
	}
	if !f.pinTried(err) {
		return
	}
	if f.state == StaffPIN {
		f.enter(StaffReason)
	} else {
		f.enter(Operator)
	}
}

// pinTried forgets the PIN typed and reports whether it was right; a wrong one's error is shown.
func (f *Flow) pinTried(err error) bool {
	clear(f.pin)
	f.pin = f.pin[:0]
	if err != nil {
		f.inputErr = err
		f.changed()
	}
	return err == nil
}

func (f *Flow) retake() {
	f.session.Photo.wipe()
	f.session.Photo = nil
	if f.importSrc != nil {
		f.enter(Instructions) // another file, the scanner again, or the camera
		return
	}
	f.enter(Live)
}

// pick is counter's in counter mode, else kiosk's.
func (f *Flow) pick(counter, kiosk State) State {
	if f.cfg.Counter {
		return counter
	}
	return kiosk
}

// application is what the session submits.
func (f *Flow) application() *booth.Application {
	s := &f.session
	birth, _ := s.Birth.Date(f.cfg.Now())
	var jpeg []byte
	if s.Photo != nil {
		jpeg = s.Photo.JPEG
	}
	a := &booth.Application{
		FormID: s.FormID, BirthDate: birth, Options: s.Options,
		Photo: jpeg, PhotoCheck: s.Check,
		BoothID: f.cfg.BoothID, BoothName: f.cfg.BoothName, Lang: s.Lang, Channel: booth.ChannelBooth,
	}
	if f.cfg.Counter {
		a.Channel = booth.ChannelCounter
		if s.SlipLang != "" {
			a.Lang = s.SlipLang // the slip is in Japanese and the applicant's language
		}
		v, err := f.Verification()
		a.CardMailed = err == nil && v.Verdict.OK
	}
	return a
}
