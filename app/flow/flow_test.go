package flow_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
)

const formID = booth.FormID("00707305390250374060955")

type clock struct{ t time.Time }

func (c *clock) Now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{time.Date(2026, 11, 29, 10, 0, 0, 0, booth.JST)} }

// effects records what the flow asked for; the test answers as the kiosk's workers would.
type effects struct {
	checks, submits []int
	submitted       []*booth.Application
	sheets          []string
	wiped           int
}

func (e *effects) CheckPhoto(req int) { e.checks = append(e.checks, req) }
func (e *effects) Submit(req int, a *booth.Application) {
	e.submits = append(e.submits, req)
	e.submitted = append(e.submitted, a)
}
func (e *effects) PrintPhotoSheet(uuid string) { e.sheets = append(e.sheets, uuid) }
func (e *effects) Wiped()                      { e.wiped++ }

type harness struct {
	t   *testing.T
	c   *clock
	fx  *effects
	f   *flow.Flow
	pin *pin.Lock
}

const staffPIN = "2468"

func newHarness(t *testing.T, mutate ...func(*flow.Config)) *harness {
	t.Helper()
	c := newClock()
	h, err := pin.Hash(staffPIN)
	if err != nil {
		t.Fatal(err)
	}
	lock, _ := pin.NewLock(h, c.Now)
	cfg := flow.Config{Now: c.Now, Languages: []string{"ja", "en"}, BoothID: "booth-1", BoothName: "Test", PhotoSheet: true}
	for _, m := range mutate {
		m(&cfg)
	}
	fx := &effects{}
	return &harness{t: t, c: c, fx: fx, f: flow.New(cfg, fx, lock), pin: lock}
}

func (h *harness) send(evs ...flow.Event) *harness {
	h.t.Helper()
	for _, ev := range evs {
		h.f.Send(ev)
	}
	return h
}

func (h *harness) wait(d time.Duration) *harness {
	h.t.Helper()
	for step := 250 * time.Millisecond; d > 0; d -= step {
		h.c.add(min(step, d))
		h.f.Send(flow.Tick{})
	}
	return h
}

func (h *harness) want(s flow.State) *harness {
	h.t.Helper()
	if got := h.f.State(); got != s {
		h.t.Fatalf("state %s, want %s (failure: %v)", got, s, h.f.Failure())
	}
	return h
}

func typeDigits(s string) []flow.Event {
	var out []flow.Event
	for i := 0; i < len(s); i++ {
		out = append(out, flow.Digit{D: s[i]})
	}
	return out
}

var (
	// New each time: a wipe overwrites the photo the flow was given.
	goodPhoto = func() *flow.Photo { return &flow.Photo{OK: true, JPEG: []byte("jpeg of a good photo")} }
	badPhoto  = func() *flow.Photo {
		return &flow.Photo{JPEG: []byte("jpeg of a refused photo"), Problems: []flow.Problem{{Code: "background_not_plain", Key: "photo.background_not_plain"}}}
	}
)

// toLive walks a resident from the attract screen to the live preview.
func (h *harness) toLive() *harness {
	h.t.Helper()
	h.send(flow.Start{Lang: "en"}).want(flow.Scan)
	h.send(flow.FormRead{ID: formID, FromCamera: true}).wait(2 * time.Second).want(flow.BirthDate)
	h.send(typeDigits("19850615")...).send(flow.Next{}).want(flow.Options)
	h.send(flow.Next{}).want(flow.Instructions).send(flow.Next{}).want(flow.Live)
	return h
}

// takePhoto runs the countdown and answers the check with p.
func (h *harness) takePhoto(p *flow.Photo) *harness {
	h.t.Helper()
	h.send(flow.Next{}).want(flow.Countdown)
	h.wait(3 * time.Second).want(flow.Checking)
	h.send(flow.PhotoChecked{Req: h.fx.checks[len(h.fx.checks)-1], Photo: p}).want(flow.Review)
	return h
}

func TestWholeApplication(t *testing.T) {
	h := newHarness(t)
	h.toLive()
	if n := h.f.Countdown(); n != 0 {
		t.Fatalf("countdown before it started: %d", n)
	}
	h.send(flow.Next{}).want(flow.Countdown)
	for _, n := range []int{3, 2, 1} {
		if got := h.f.Countdown(); got != n {
			t.Fatalf("countdown shows %d, want %d", got, n)
		}
		h.wait(time.Second)
	}
	h.want(flow.Checking)
	if len(h.fx.checks) != 1 {
		t.Fatalf("checks asked: %v", h.fx.checks)
	}
	h.send(flow.PhotoChecked{Req: h.fx.checks[0], Photo: goodPhoto()}).want(flow.Review)
	h.send(flow.Next{}).want(flow.Confirm)
	h.send(flow.Next{}).want(flow.Sending)
	if len(h.fx.submitted) != 1 {
		t.Fatal("nothing submitted")
	}
	a := h.fx.submitted[0]
	if a.FormID != formID || a.BirthDate != (booth.Date{Year: 1985, Month: 6, Day: 15}) || !a.Options.ECertificate ||
		a.Options.Braille || !a.PhotoCheck.OK || string(a.Photo) != "jpeg of a good photo" || a.Lang != "en" ||
		a.BoothID != "booth-1" || a.Channel != booth.ChannelBooth {
		t.Fatalf("submitted %+v", a)
	}
	a.UUID, a.Receipt = booth.NewUUID(), "ABCD-EFGH"
	h.send(flow.Submitted{Req: h.fx.submits[0], Result: &booth.Submitted{Application: a, SlipPrinted: true}, SlipFile: "/tmp/slip.pdf"}).want(flow.Done)
	if h.f.Session().SlipFile != "/tmp/slip.pdf" || !h.f.PhotoSheetOffered() {
		t.Fatalf("done screen: %+v", h.f.Session())
	}
	h.send(flow.PrintPhotoSheet{}, flow.PrintPhotoSheet{})
	if len(h.fx.sheets) != 1 || h.fx.sheets[0] != a.UUID || h.f.PhotoSheetOffered() {
		t.Fatalf("photo sheet printed %v", h.fx.sheets)
	}
	if st := h.f.Stats(); st.Sessions != 1 || st.Applications != 1 || st.Photos != 1 || st.Retakes != 0 {
		t.Fatalf("stats %+v", st)
	}
	h.wait(30 * time.Second).want(flow.Attract)
	if h.fx.wiped == 0 || string(a.Photo) == "jpeg of a good photo" {
		t.Fatal("the session was not wiped after the thank-you screen")
	}
}

// Back is always possible and keeps what was entered.
func TestBackFromEveryStateKeepsWhatWasEntered(t *testing.T) {
	h := newHarness(t).toLive()
	h.takePhoto(goodPhoto())
	h.send(flow.Next{}).want(flow.Confirm)
	backs := []flow.State{flow.Review, flow.Live, flow.Instructions, flow.Options, flow.BirthDate, flow.Scan, flow.Attract}
	for i, want := range backs {
		h.send(flow.Back{}).want(want)
		s := h.f.Session()
		if want == flow.Attract {
			break
		}
		if s.FormID != formID || s.Birth.Digits != "19850615" {
			t.Fatalf("back %d to %s lost what was entered: %+v", i, want, s)
		}
	}
	// Back to Scan shows the ID read, without moving on by itself.
	h = newHarness(t).toLive()
	h.send(flow.Back{}, flow.Back{}, flow.Back{}, flow.Back{}).want(flow.Scan)
	if h.f.ScanPhase() != flow.ScanRead {
		t.Fatal("the ID read is not shown after coming back")
	}
	h.wait(5 * time.Second).want(flow.Scan)
	h.send(flow.Next{}).want(flow.BirthDate)
	// From the countdown and from the check, back goes to the live preview; a late answer to an
	// abandoned check is ignored.
	h.send(flow.Next{}, flow.Next{}, flow.Next{}).want(flow.Live)
	h.send(flow.Next{}).want(flow.Countdown).send(flow.Back{}).want(flow.Live)
	h.send(flow.Next{}).wait(3 * time.Second).want(flow.Checking)
	req := h.fx.checks[len(h.fx.checks)-1]
	h.send(flow.Back{}).want(flow.Live)
	h.send(flow.PhotoChecked{Req: req, Photo: goodPhoto()}).want(flow.Live)
}

func TestScan(t *testing.T) {
	h := newHarness(t)
	h.send(flow.Next{}).want(flow.Scan)
	wrong := errors.New("not_a_form_qr")
	h.send(flow.FormRead{Err: wrong, FromCamera: true})
	if h.f.ScanPhase() != flow.ScanWrong || h.f.ScanErr() != wrong {
		t.Fatal("a wrong code is not shown")
	}
	// Held up for a while, the same wrong code does not restart its message.
	h.wait(3 * time.Second).send(flow.FormRead{Err: wrong, FromCamera: true}).wait(1500 * time.Millisecond)
	if h.f.ScanPhase() != flow.ScanSearching {
		t.Fatal("the wrong-code message stayed")
	}
	// A typed ID moves on after the same short pause, or at once with Enter.
	h.send(flow.FormRead{ID: formID})
	if h.f.ScanPhase() != flow.ScanRead || h.f.Session().FormID != formID {
		t.Fatal("typed ID not taken")
	}
	h.wait(time.Second).want(flow.Scan).send(flow.Next{}).want(flow.BirthDate)
	// Back, then scan again forgets the ID.
	h.send(flow.Back{}, flow.ScanAgain{})
	if h.f.Session().FormID != "" || h.f.ScanPhase() != flow.ScanSearching {
		t.Fatal("scan again kept the ID")
	}
	h.send(flow.Next{}).want(flow.Scan)
	// A reader scanning another form replaces the first.
	other := booth.FormID("12345678901234567890123")
	h.send(flow.FormRead{ID: formID, FromCamera: true}, flow.FormRead{ID: other})
	if h.f.Session().FormID != other {
		t.Fatal("a second form scanned did not replace the first")
	}
}

func TestBirthDateEntry(t *testing.T) {
	h := newHarness(t)
	h.send(flow.Next{}, flow.FormRead{ID: formID}, flow.Next{}).want(flow.BirthDate)
	// Incomplete: Next says so and stays.
	h.send(typeDigits("1985")...).send(flow.Next{}).want(flow.BirthDate)
	if booth.CodeOf(h.f.InputErr()) != booth.BirthDateInvalid {
		t.Fatalf("incomplete date: %v", h.f.InputErr())
	}
	// A date that does not exist is shown as wrong at once.
	h.send(typeDigits("0230")...)
	if booth.CodeOf(h.f.InputErr()) != booth.BirthDateInvalid {
		t.Fatalf("30 February: %v", h.f.InputErr())
	}
	h.send(flow.Backspace{}, flow.Backspace{}, flow.Digit{D: '1'}, flow.Digit{D: '5'})
	if h.f.InputErr() != nil {
		t.Fatalf("15 February: %v", h.f.InputErr())
	}
	// More digits than slots are ignored.
	h.send(flow.Digit{D: '9'})
	if d := h.f.Session().Birth.Digits; d != "19850215" {
		t.Fatalf("digits %q", d)
	}
	// Switching to the era calendar keeps the date: 昭和60年2月15日.
	h.send(flow.SetCalendar{Era: booth.Showa})
	if b := h.f.Session().Birth; b.Digits != "600215" || b.Era != booth.Showa {
		t.Fatalf("Showa: %+v", b)
	}
	// A date outside the era is refused; in Heisei the same digits are another date.
	h.send(flow.SetCalendar{Era: booth.Heisei})
	if b := h.f.Session().Birth; b.Digits != "" {
		t.Fatalf("a Showa date kept in Heisei: %+v", b)
	}
	h.send(typeDigits("640101")...)
	if booth.CodeOf(h.f.InputErr()) != booth.EraDateInvalid {
		t.Fatalf("Heisei 64: %v", h.f.InputErr())
	}
	h.send(flow.SetCalendar{Era: booth.Reiwa}).send(typeDigits("081130")...) // tomorrow
	if booth.CodeOf(h.f.InputErr()) != booth.BirthDateFuture {
		t.Fatalf("tomorrow: %v", h.f.InputErr())
	}
	h.send(flow.Backspace{}, flow.Backspace{}, flow.Digit{D: '2'}, flow.Digit{D: '9'}).send(flow.Next{}).want(flow.Options) // today
	h.send(flow.SetECertificate{Yes: false}, flow.SetBraille{Yes: true}, flow.Next{}).want(flow.Instructions)
	if o := h.f.Session().Options; o.ECertificate || !o.Braille {
		t.Fatalf("options %+v", o)
	}
}

// After ResidentTries refused photos, staff help is offered; staff enter their PIN and a reason,
// recorded as `submit --accept-photo-as-is` records it. A resident alone never gets a refused
// photo through.
func TestRetakeLimitAndStaffOverride(t *testing.T) {
	h := newHarness(t).toLive()
	for try := 1; try <= booth.ResidentTries; try++ {
		h.takePhoto(badPhoto())
		if left := h.f.TriesLeft(); left != booth.ResidentTries-try {
			t.Fatalf("try %d: %d tries left", try, left)
		}
		h.send(flow.CallStaff{})
		if try < booth.ResidentTries {
			h.want(flow.Review)
			// The primary action of a refused photo is to retake it, never to use it.
			h.send(flow.Next{}).want(flow.Live)
		}
	}
	h.want(flow.StaffPIN)
	h.send(typeDigits("1357")...).send(flow.Next{}).want(flow.StaffPIN)
	if !errors.Is(h.f.InputErr(), pin.ErrWrong) || h.f.PINLength() != 0 {
		t.Fatalf("wrong PIN: %v, %d digits kept", h.f.InputErr(), h.f.PINLength())
	}
	h.send(typeDigits(staffPIN)...).send(flow.Next{}).want(flow.StaffReason)
	h.send(flow.StaffAccept{Reason: ""}).want(flow.StaffReason)
	h.send(flow.StaffAccept{Reason: "background fine on print"}).want(flow.Confirm)
	h.send(flow.Next{}).want(flow.Sending)
	a := h.fx.submitted[0]
	if a.PhotoCheck.OK || a.PhotoCheck.OverrideReason != "background fine on print" ||
		!reflect.DeepEqual(a.PhotoCheck.Problems, []string{"background_not_plain"}) {
		t.Fatalf("override not recorded: %+v", a.PhotoCheck)
	}
	if st := h.f.Stats(); st.Photos != 3 || st.Retakes != 3 || st.Overrides != 1 ||
		!reflect.DeepEqual(st.TopProblems(3), []flow.ProblemCount{{"background_not_plain", 3}}) {
		t.Fatalf("stats %+v", st)
	}
}

// The operator PIN locks for 5 minutes after 5 wrong tries, in the flow as in the lock itself.
func TestOperatorModePINLockout(t *testing.T) {
	h := newHarness(t)
	h.send(flow.OperatorRequest{}).want(flow.OperatorPIN)
	for i := 0; i < pin.MaxTries; i++ {
		h.send(typeDigits("0000")...).send(flow.Next{})
	}
	var locked *pin.LockedError
	if !errors.As(h.f.InputErr(), &locked) {
		t.Fatalf("after %d wrong PINs: %v", pin.MaxTries, h.f.InputErr())
	}
	h.send(typeDigits(staffPIN)...).send(flow.Next{}).want(flow.OperatorPIN)
	h.c.add(pin.Lockout)
	h.send(typeDigits(staffPIN)...).send(flow.Next{}).want(flow.Operator)
	h.wait(2 * time.Minute).want(flow.Attract)
	h.send(flow.OperatorRequest{}, flow.Back{}).want(flow.Attract)
	// Not from the middle of a resident's session.
	h.send(flow.Next{}, flow.OperatorRequest{}).want(flow.Scan)
}

// Idle: "are you still there?", then the session is wiped: nothing personal remains.
func TestIdleWipesTheSession(t *testing.T) {
	h := newHarness(t).toLive()
	h.takePhoto(badPhoto())
	photo := h.f.Session().Photo
	h.wait(59 * time.Second).want(flow.Review)
	h.wait(time.Second).want(flow.Idle)
	if h.f.Resume() != flow.Review || h.f.IdleLeft() != 20*time.Second {
		t.Fatalf("idle: resume %s, %v left", h.f.Resume(), h.f.IdleLeft())
	}
	// A touch means "still here": back where they were, nothing lost.
	h.send(flow.Activity{}).want(flow.Review)
	if h.f.Session().FormID != formID {
		t.Fatal("the still-here touch lost the session")
	}
	wiped := h.fx.wiped
	h.wait(60 * time.Second).want(flow.Idle).wait(20 * time.Second).want(flow.Attract)
	s := h.f.Session()
	empty := flow.Session{Lang: "ja", Options: booth.DefaultOptions, Attendance: identity.InPerson}
	if !reflect.DeepEqual(*s, empty) || h.fx.wiped != wiped+1 {
		t.Fatalf("after the idle wipe the session holds %+v", s)
	}
	for _, b := range photo.JPEG {
		if b != 0 {
			t.Fatal("the photo's bytes were not overwritten")
		}
	}
	if h.f.PINLength() != 0 || h.f.InputErr() != nil || h.f.ScanErr() != nil {
		t.Fatal("typed input survived the wipe")
	}
	// Someone standing in front of the camera (the live preview reports a face as activity) is
	// not asked whether they are there.
	h = newHarness(t).toLive()
	for i := 0; i < 10; i++ {
		h.wait(10 * time.Second).send(flow.Activity{})
	}
	h.want(flow.Live)
	// No idle on the start, thank-you and failsafe screens, nor while sending.
	h = newHarness(t)
	h.wait(10 * time.Minute).want(flow.Attract)
}

// Any unexpected error leads to the failsafe state; nothing queued is touched, and an
// application that could not be queued stays for staff until they return to the start.
func TestFailsafe(t *testing.T) {
	h := newHarness(t).toLive()
	h.takePhoto(goodPhoto()).send(flow.Next{}, flow.Next{}).want(flow.Sending)
	h.send(flow.Submitted{Req: h.fx.submits[0], Err: errors.New("storage: enqueue: database full")}).want(flow.AskStaff)
	if h.f.Failure() == nil || h.f.Session().FormID != formID {
		t.Fatal("the failsafe lost the reason or the session")
	}
	h.send(flow.Next{}).want(flow.Attract)
	// A camera that stops: the live screen cannot take a photo, and recovers when it is back.
	h = newHarness(t).toLive()
	h.send(flow.CameraDown{}, flow.Next{}).want(flow.Live)
	h.send(flow.CameraUp{}, flow.Next{}).want(flow.Countdown)
	// A check that errs, a Failure event, a panic inside a state: all end in AskStaff.
	h.wait(3 * time.Second).want(flow.Checking)
	h.send(flow.PhotoChecked{Req: h.fx.checks[0], Err: errors.New("camera gone")}).want(flow.AskStaff)
	h.wait(5 * time.Minute).want(flow.Attract)
	h.send(flow.Failure{Err: errors.New("printer driver crashed")}).want(flow.AskStaff)
	h = newHarness(t).toLive()
	h.send(flow.Next{}).wait(3 * time.Second).want(flow.Checking)
	h.send(flow.PhotoChecked{Req: h.fx.checks[0], Photo: nil}).want(flow.AskStaff) // nil photo: a bug
	if h.f.Failure() == nil {
		t.Fatal("panic not recorded")
	}
}

func TestEveryStateHasANameAndStep(t *testing.T) {
	for s := flow.Attract; s <= flow.Identity; s++ {
		if s.String() == "unknown" {
			t.Errorf("state %d has no name", s)
		}
	}
	steps := map[flow.State]int{flow.Scan: 1, flow.BirthDate: 2, flow.Options: 3, flow.Live: 4, flow.Confirm: 5, flow.Done: 0}
	for s, n := range steps {
		if s.Step() != n {
			t.Errorf("%s: step %d, want %d", s, s.Step(), n)
		}
	}
}
