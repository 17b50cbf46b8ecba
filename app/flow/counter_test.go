package flow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
)

// staffDir is a directory of one clerk, "K0042" with PIN 1357, that records sign-ins and outs.
type staffDir struct {
	tries    int
	signOuts []string
}

var errWrongPIN = errors.New("wrong PIN")

func (d *staffDir) SignIn(id, pin string) (flow.Clerk, error) {
	d.tries++
	if id != "K0042" || pin != "1357" {
		return flow.Clerk{}, errWrongPIN
	}
	return flow.Clerk{ID: id, Name: "窓口 花子"}, nil
}

func (d *staffDir) SignOut(c flow.Clerk, why string) { d.signOuts = append(d.signOuts, c.ID+":"+why) }

// counterEffects adds the counter's work to the recorded effects.
type counterEffects struct {
	effects
	records  []*flow.CounterRecord
	imports  []flow.PhotoSource
	reprints []string
}

func (e *counterEffects) SubmitCounter(req int, a *booth.Application, r *flow.CounterRecord) {
	e.Submit(req, a)
	e.records = append(e.records, r)
}
func (e *counterEffects) ImportPhoto(req int, src flow.PhotoSource) {
	e.checks = append(e.checks, req)
	e.imports = append(e.imports, src)
}
func (e *counterEffects) Reprint(uuid string, c flow.Clerk) {
	e.reprints = append(e.reprints, uuid+":"+c.ID)
}

type counterHarness struct {
	*harness
	cfx   *counterEffects
	staff *staffDir
}

func newCounter(t *testing.T) *counterHarness {
	c := newClock()
	staff := &staffDir{}
	fx := &counterEffects{}
	cfg := flow.Config{Now: c.Now, Languages: []string{"ja", "en"}, BoothID: "counter-1", Counter: true, Staff: staff}
	h := &harness{t: t, c: c, fx: &fx.effects, f: flow.New(cfg, fx, nil)}
	return &counterHarness{harness: h, cfx: fx, staff: staff}
}

func typeChars(s string) []flow.Event {
	var evs []flow.Event
	for _, r := range s {
		evs = append(evs, flow.Char{R: r})
	}
	return evs
}

func (h *counterHarness) signIn() *counterHarness {
	h.t.Helper()
	h.send(typeChars("K0042")...).send(flow.Next{}).send(typeChars("1357")...).send(flow.Next{})
	h.want(flow.Scan)
	return h
}

// A whole counter application: sign in, the form, the date of birth, the documents (a driver's
// licence: verified, the card is mailed), a photo from the scanner the checker refuses and the
// clerk accepts with a reason, confirm; the submission carries the clerk and the verification,
// and the next application starts at the form with nothing of the last one.
func TestCounterApplication(t *testing.T) {
	h := newCounter(t)
	h.want(flow.SignIn)
	if h.f.Step() != 0 || h.f.Steps() != 6 {
		t.Fatalf("sign-in step %d of %d", h.f.Step(), h.f.Steps())
	}
	h.signIn()
	if c := h.f.Clerk(); c == nil || c.ID != "K0042" || h.f.StaffID() != "" || h.f.PINLength() != 0 {
		t.Fatalf("clerk %+v, typed %q/%d left", c, h.f.StaffID(), h.f.PINLength())
	}
	h.send(flow.FormRead{ID: formID}, flow.Next{}).want(flow.BirthDate)
	h.send(typeDigits("19850615")...).send(flow.Next{}).want(flow.Identity)
	if h.f.Step() != 3 {
		t.Fatalf("identity is step %d", h.f.Step())
	}
	v, _ := h.f.Verification()
	if v.Verdict.OK || len(v.Verdict.MissingApplicant) == 0 {
		t.Fatalf("nothing ticked, verdict %+v", v.Verdict)
	}
	h.send(flow.ToggleDoc{Doc: "health_insurance"}, flow.ToggleDoc{Doc: "drivers_licence"}, flow.ToggleDoc{Doc: "health_insurance"})
	if v, _ := h.f.Verification(); !v.Verdict.OK || len(v.Case.Applicant) != 1 || !h.f.Ticked(flow.Applicant, identity.Seen{Doc: "drivers_licence"}) {
		t.Fatalf("a driver's licence: %+v", v)
	}
	h.send(flow.ToggleDoc{Doc: "library_card"}) // unknown: ignored
	// The certificate of driving history: issued before 2012-04-01 it is a B, from then an A;
	// choosing the other issue replaces it, choosing the same again unticks it.
	before, from := identity.Seen{Doc: "driving_history_certificate"}, identity.Seen{Doc: "driving_history_certificate", IssuedOn: booth.Date{Year: 2012, Month: 4, Day: 1}}
	h.send(flow.ToggleDoc{Doc: before.Doc}, flow.ToggleDoc{Doc: from.Doc, IssuedOn: from.IssuedOn})
	if !h.f.Ticked(flow.Applicant, from) || h.f.Ticked(flow.Applicant, before) || len(h.f.Session().Docs[flow.Applicant]) != 2 {
		t.Fatalf("driving history: %+v", h.f.Session().Docs)
	}
	h.send(flow.ToggleDoc{Doc: from.Doc, IssuedOn: from.IssuedOn})
	if h.f.Ticked(flow.Applicant, from) || len(h.f.Session().Docs[flow.Applicant]) != 1 {
		t.Fatalf("driving history untick: %+v", h.f.Session().Docs)
	}
	h.send(flow.Next{}).want(flow.Options)
	if h.f.Step() != 4 {
		t.Fatalf("options is step %d", h.f.Step())
	}
	h.send(flow.Back{}).want(flow.Identity).send(flow.Next{}, flow.Next{}).want(flow.Instructions)
	h.send(flow.ImportPhoto{Source: flow.PhotoSource{Scanner: true}}).want(flow.Checking)
	if len(h.cfx.imports) != 1 || !h.cfx.imports[0].Scanner {
		t.Fatalf("imports %+v", h.cfx.imports)
	}
	h.send(flow.PhotoChecked{Req: h.fx.checks[0], Photo: refused()}).want(flow.Review)
	if !h.f.StaffHelp() {
		t.Fatal("the clerk cannot override at once")
	}
	h.send(flow.CallStaff{}).want(flow.StaffReason) // no PIN: the clerk is signed in
	h.send(flow.StaffAccept{Reason: "本人確認済み、持参写真"}).want(flow.Confirm)
	h.send(flow.SetSlipLang{Lang: "vi"}, flow.SetSlipLang{Lang: "en"}) // vi is not offered here
	h.send(flow.Next{}).want(flow.Sending)
	if len(h.cfx.records) != 1 || len(h.fx.submitted) != 1 {
		t.Fatalf("submissions %d/%d", len(h.cfx.records), len(h.fx.submitted))
	}
	a, r := h.fx.submitted[0], h.cfx.records[0]
	if a.Channel != booth.ChannelCounter || !a.CardMailed || a.PhotoCheck.OverrideReason == "" || r == nil || a.Lang != "en" ||
		r.Clerk.ID != "K0042" || !r.Verification.Verdict.OK || r.Verification.Verdict.Applicant != "one_a" ||
		r.Verification.Case.Attendance != identity.InPerson {
		t.Fatalf("application %+v, record %+v", a, r)
	}
	if err := a.Validate(h.c.Now()); err != nil && booth.CodeOf(err) != booth.PhotoSize { // the test's 1-byte photo
		t.Fatalf("the counter application does not validate: %v", err)
	}
	a.UUID = "5b0d3ac4-2e0a-4e41-9b35-5f7d7f6b1c11"
	h.send(flow.Submitted{Req: h.fx.submits[0], Result: &booth.Submitted{Application: a}}).want(flow.Done)
	h.send(flow.Reprint{})
	if len(h.cfx.reprints) != 1 || h.cfx.reprints[0] != a.UUID+":K0042" {
		t.Fatalf("reprints %v", h.cfx.reprints)
	}
	h.send(flow.Next{}).want(flow.Scan)
	if s := h.f.Session(); s.FormID != "" || len(s.Docs[flow.Applicant]) != 0 || s.Attendance != identity.InPerson || s.SlipLang != "" || h.f.Clerk() == nil {
		t.Fatalf("the next application starts with %+v, clerk %v", s, h.f.Clerk())
	}
}

func refused() *flow.Photo {
	return &flow.Photo{JPEG: []byte{1}, Problems: []flow.Problem{{Code: "background_not_plain", Key: "photo.background_not_plain"}}}
}

// Sign-in: a wrong PIN is refused and shown, the staff ID stays for another try; Escape clears
// the PIN field first, then the ID; a half-typed sign-in is cleared when left alone.
func TestCounterSignIn(t *testing.T) {
	h := newCounter(t)
	h.send(flow.Next{}).want(flow.SignIn)
	if h.f.SignInField() != 0 || h.staff.tries != 0 {
		t.Fatal("Enter with no staff ID moved on")
	}
	h.send(typeChars("K0042!")...).send(flow.Next{})
	if h.f.StaffID() != "K0042" || h.f.SignInField() != 1 {
		t.Fatalf("staff ID %q, field %d", h.f.StaffID(), h.f.SignInField())
	}
	h.send(typeChars("1a358")...).send(flow.Backspace{}, flow.Next{}).want(flow.SignIn)
	if !errors.Is(h.f.InputErr(), errWrongPIN) || h.f.PINLength() != 0 || h.f.StaffID() != "K0042" {
		t.Fatalf("wrong PIN: err %v, PIN %d, ID %q", h.f.InputErr(), h.f.PINLength(), h.f.StaffID())
	}
	h.send(flow.Next{}) // no PIN: not a try
	if h.staff.tries != 1 {
		t.Fatalf("%d tries", h.staff.tries)
	}
	h.send(flow.Char{R: '1'}, flow.Back{})
	if h.f.PINLength() != 0 || h.f.SignInField() != 0 || h.f.StaffID() != "K0042" {
		t.Fatal("Escape in the PIN field")
	}
	h.send(flow.Back{})
	if h.f.StaffID() != "" {
		t.Fatal("Escape in the ID field kept the ID")
	}
	h.send(typeChars("K00")...).wait(61 * time.Second).want(flow.SignIn)
	if h.f.StaffID() != "" {
		t.Fatal("a half-typed staff ID was left on screen")
	}
	h.send(flow.SetField{Field: 1}, flow.Digit{D: '7'})
	if h.f.PINLength() != 1 || h.f.StaffID() != "" {
		t.Fatal("the PIN field chosen by touch")
	}
}

// The clerk is signed out when the counter is left alone (after the "still there?" question),
// on request, and when the kiosk closes; each wipes the application under way.
func TestCounterSignOut(t *testing.T) {
	h := newCounter(t)
	h.signIn().send(flow.FormRead{ID: formID}, flow.Next{}).want(flow.BirthDate)
	h.wait(60 * time.Second).want(flow.Idle)
	h.wait(20 * time.Second).want(flow.SignIn)
	if h.f.Clerk() != nil || h.f.Session().FormID != "" || len(h.staff.signOuts) != 1 || h.staff.signOuts[0] != "K0042:idle" {
		t.Fatalf("idle: clerk %v, sign-outs %v", h.f.Clerk(), h.staff.signOuts)
	}
	h.signIn().send(flow.SignOut{}).want(flow.SignIn)
	h.signIn().send(flow.EndSession{}).want(flow.SignIn)
	if len(h.staff.signOuts) != 3 || h.staff.signOuts[1] != "K0042:manual" || h.staff.signOuts[2] != "K0042:closed" {
		t.Fatalf("sign-outs %v", h.staff.signOuts)
	}
	// Back from an empty form screen is not a sign-out (Escape is pressed too easily).
	h.signIn().send(flow.Back{}).want(flow.Scan)
	// Operator mode from the sign-in screen; leaving it returns there.
	h.send(flow.SignOut{}, flow.OperatorRequest{}).want(flow.OperatorPIN)
	h.send(flow.Back{}).want(flow.SignIn)
}

// Who came decides what is needed: a 14-year-old needs the legal representative, whose own ID
// and proof of authority the clerk ticks separately; a proxy is refused; an application whose
// identity is not verified is still taken, without the mailed card.
func TestCounterIdentity(t *testing.T) {
	h := newCounter(t)
	h.signIn().send(flow.FormRead{ID: formID}, flow.Next{}).send(typeDigits("20120303")...).send(flow.Next{}).want(flow.Identity)
	if !h.f.NeedsRepresentative() {
		t.Fatal("a 14-year-old alone")
	}
	h.send(flow.ToggleDoc{Doc: "passport"})
	if v, _ := h.f.Verification(); v.Verdict.Refusal != identity.RefusalNeedsRep {
		t.Fatalf("alone: %+v", v.Verdict)
	}
	h.send(flow.SetEditing{Person: flow.Representative})
	if h.f.Editing() != flow.Applicant {
		t.Fatal("the representative's documents before the representative came")
	}
	h.send(flow.SetAttendance{Attendance: identity.WithRepresentative}, flow.SetEditing{Person: flow.Representative},
		flow.ToggleDoc{Person: flow.Representative, Doc: "drivers_licence"})
	if v, _ := h.f.Verification(); v.Verdict.OK || len(v.Verdict.MissingRepresentative) == 0 {
		t.Fatalf("without proof of authority: %+v", v.Verdict)
	}
	h.send(flow.ToggleDoc{Person: flow.Representative, Doc: "family_register"})
	v, _ := h.f.Verification()
	if !v.Verdict.OK || len(v.Case.Representative) != 2 || len(v.Case.Applicant) != 1 {
		t.Fatalf("with the parent: %+v", v)
	}
	h.send(flow.SetAttendance{Attendance: identity.Proxy})
	if v, _ := h.f.Verification(); v.Verdict.OK || v.Verdict.Refusal != identity.RefusalProxy || len(v.Case.Representative) != 0 {
		t.Fatalf("proxy: %+v", v)
	}
	if h.f.Editing() != flow.Applicant {
		t.Fatal("still editing the representative")
	}
	// Not verified: taken, not mailed.
	h.send(flow.Next{}, flow.Next{}, flow.Next{}).want(flow.Live)
	h.send(flow.Next{}).wait(3 * time.Second).want(flow.Checking)
	h.send(flow.PhotoChecked{Req: h.fx.checks[0], Photo: &flow.Photo{OK: true, JPEG: []byte{1}}}).want(flow.Review)
	h.send(flow.Next{}, flow.Next{}).want(flow.Sending)
	if a := h.fx.submitted[0]; a.CardMailed || a.Channel != booth.ChannelCounter || h.cfx.records[0].Verification.Verdict.OK {
		t.Fatalf("a proxy's application is mailed: %+v", a)
	}
}

// A refused imported photo goes back to the choice of source, not to the camera.
func TestCounterImportRetake(t *testing.T) {
	h := newCounter(t)
	h.signIn().send(flow.FormRead{ID: formID}, flow.Next{}).send(typeDigits("19850615")...).send(flow.Next{}, flow.Next{}, flow.Next{})
	h.want(flow.Instructions)
	h.send(flow.ImportPhoto{Source: flow.PhotoSource{File: "/tmp/photo.jpg"}}).want(flow.Checking)
	h.send(flow.PhotoChecked{Req: h.fx.checks[0], Photo: refused()}).want(flow.Review)
	h.send(flow.Retake{}).want(flow.Instructions)
	h.send(flow.Next{}).want(flow.Live) // the camera this time
	h.send(flow.Next{}).wait(3 * time.Second).want(flow.Checking)
	if len(h.cfx.imports) != 1 || len(h.fx.checks) != 2 {
		t.Fatalf("imports %v, checks %v", h.cfx.imports, h.fx.checks)
	}
	h.send(flow.Back{}).want(flow.Live)
}

// The kiosk ignores the counter's events.
func TestKioskIgnoresCounterEvents(t *testing.T) {
	h := newHarness(t)
	h.send(flow.Next{}, flow.FormRead{ID: formID}, flow.Next{}).send(typeDigits("19850615")...).send(flow.Next{}).want(flow.Options)
	h.send(flow.Back{}).want(flow.BirthDate)
	h.send(flow.SignOut{}, flow.Reprint{}).want(flow.BirthDate)
	if h.f.Steps() != 5 || h.f.Step() != 2 {
		t.Fatalf("kiosk steps %d/%d", h.f.Step(), h.f.Steps())
	}
}
