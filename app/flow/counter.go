package flow

import (
	"errors"
	"slices"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
)

// Counter mode (issue 12) is the same flow at a municipal counter: a clerk signs in instead of
// the attract screen; each application then goes form → date of birth → identity verification
// → options → photo (the counter camera, or a printed photo imported from a file or a scanner,
// with the clerk's override) → confirm → queued, and the next application starts at the form.
// The date of birth comes before the identity check because the rules depend on the age.

// Clerk is the member of staff signed in at the counter.
type Clerk struct {
	ID   string
	Name string
}

// Staff signs clerks in and out (package staff; the implementation writes the audit log).
type Staff interface {
	// SignIn checks a staff ID and PIN: a slow hash, with a lockout after wrong tries.
	SignIn(id, pin string) (Clerk, error)
	// SignOut records that c signed out, and why (SignOutManual, SignOutIdle, SignOutClosed).
	SignOut(c Clerk, why string)
}

// Why a clerk signed out (the audit log's words).
const (
	SignOutManual = "manual" // the clerk signed out, or staff opened operator mode
	SignOutIdle   = "idle"   // the counter was left alone
	SignOutClosed = "closed" // the program is closing
)

// PhotoSource is where a counter photo is imported from: the flatbed scanner, or a file.
type PhotoSource struct {
	Scanner bool
	File    string
}

// CounterRecord is what a counter application records beside it: the clerk who took it and how
// identity was verified (documents seen, never their numbers).
type CounterRecord struct {
	Clerk        Clerk
	Verification Verification
}

// Verification is the identity check as the clerk entered it and the engine judged it.
type Verification struct {
	Case    identity.Case
	Verdict identity.Verdict
}

// Person is whose documents the identity screen ticks.
type Person int

const (
	Applicant Person = iota
	Representative
)

// MaxStaffID bounds a typed staff ID.
const MaxStaffID = 32

// ErrNoStaff: counter mode without a staff directory (a configuration error).
var ErrNoStaff = errors.New("flow: counter mode has no staff directory")

// Counter reports whether the flow runs in counter mode.
func (f *Flow) Counter() bool { return f.cfg.Counter }

// Clerk is the clerk signed in (nil when none).
func (f *Flow) Clerk() *Clerk { return f.clerk }

// StaffID is the staff ID typed on the sign-in screen; SignInField is 0 while it is typed, 1
// while the PIN is.
func (f *Flow) StaffID() string  { return string(f.staffID) }
func (f *Flow) SignInField() int { return f.signField }

// Step is where the application is for the step indicator (0 outside it), and Steps how many
// steps it shows: the kiosk's five, or the counter's six (the identity check after the date
// of birth).
func (f *Flow) Step() int {
	st := f.state
	if st == Idle {
		st = f.resume
	}
	if !f.cfg.Counter {
		return st.Step()
	}
	switch st {
	case Identity:
		return 3
	case SignIn:
		return 0
	}
	if n := st.Step(); n >= 3 {
		return n + 1
	}
	return st.Step()
}

func (f *Flow) Steps() int {
	if f.cfg.Counter {
		return Steps + 1
	}
	return Steps
}

// StepStates are the states whose screen names each step, in order (for the indicator's names).
func (f *Flow) StepStates() []State {
	if f.cfg.Counter {
		return []State{Scan, BirthDate, Identity, Options, Live, Confirm}
	}
	return []State{Scan, BirthDate, Options, Live, Confirm}
}

// Verification applies the identity rules to what the clerk ticked, on today's date.
func (f *Flow) Verification() (Verification, error) {
	s := &f.session
	birth, err := s.Birth.Date(f.cfg.Now())
	if err != nil {
		return Verification{}, err
	}
	c := identity.Case{BirthDate: birth, Day: booth.Today(f.cfg.Now()), AdultWard: s.AdultWard, Attendance: s.Attendance,
		Applicant: slices.Clone(s.Docs[Applicant])}
	if s.Attendance == identity.WithRepresentative {
		c.Representative = slices.Clone(s.Docs[Representative])
	}
	v, err := identity.Verify(c)
	return Verification{Case: c, Verdict: v}, err
}

// NeedsRepresentative reports whether the applicant must come with their legal representative
// (under 15 on the day, or an adult ward).
func (f *Flow) NeedsRepresentative() bool {
	birth, err := f.session.Birth.Date(f.cfg.Now())
	return f.session.AdultWard || (err == nil && birth.AgeOn(booth.Today(f.cfg.Now())) < identity.RepresentativeUnder)
}

// Ticked reports whether the clerk ticked the document seen for person p.
func (f *Flow) Ticked(p Person, seen identity.Seen) bool {
	return slices.Contains(f.session.Docs[p], seen)
}

// Editing is whose documents the identity screen ticks now.
func (f *Flow) Editing() Person { return f.session.Editing }

// signIn handles the sign-in screen: the staff ID (letters and digits), then the PIN.
func (f *Flow) signIn(ev Event) {
	switch ev := ev.(type) {
	case Char:
		r := ev.R
		if f.signField == 0 {
			if len(f.staffID) < MaxStaffID && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
				f.staffID = append(f.staffID, byte(r))
			}
		} else if r >= '0' && r <= '9' && len(f.pin) < 12 {
			f.pin = append(f.pin, byte(r))
		}
		f.inputErr = nil
		f.changed()
	case Digit:
		f.signIn(Char{R: rune(ev.D)})
	case Backspace:
		if f.signField == 0 && len(f.staffID) > 0 {
			f.staffID = f.staffID[:len(f.staffID)-1]
		} else if f.signField == 1 && len(f.pin) > 0 {
			f.pin = f.pin[:len(f.pin)-1]
		}
		f.changed()
	case SetField:
		f.signField = min(max(ev.Field, 0), 1)
		f.changed()
	case Next:
		if f.signField == 0 {
			if len(f.staffID) > 0 {
				f.signField = 1
				f.changed()
			}
			return
		}
		if len(f.pin) > 0 { // an empty PIN is not a try against the lockout
			f.checkSignIn()
		}
	case Back:
		f.clearSignIn(f.signField == 0)
		f.inputErr = nil
		f.changed()
	}
}

func (f *Flow) clearSignIn(id bool) {
	clear(f.pin)
	f.pin = f.pin[:0]
	f.signField = 0
	if id {
		f.staffID = f.staffID[:0]
	}
}

func (f *Flow) checkSignIn() {
	err := ErrNoStaff
	var c Clerk
	if f.cfg.Staff != nil {
		c, err = f.cfg.Staff.SignIn(string(f.staffID), string(f.pin))
	}
	if !f.pinTried(err) {
		return
	}
	f.clearSignIn(true)
	f.clerk = &c
	f.cfg.Log.Info("flow: clerk signed in", "clerk", c.ID)
	f.enter(Scan)
}

// signOut signs the clerk out (the caller then wipes the session).
func (f *Flow) signOut(why string) {
	if f.clerk == nil {
		return
	}
	c := *f.clerk
	f.clerk = nil
	f.cfg.Log.Info("flow: clerk signed out", "clerk", c.ID, "why", why)
	if f.cfg.Staff != nil {
		f.cfg.Staff.SignOut(c, why)
	}
}

// identityStep handles the identity screen.
func (f *Flow) identityStep(ev Event) {
	s := &f.session
	switch ev := ev.(type) {
	case ToggleDoc:
		d, ok := identity.Find(ev.Doc)
		if !ok {
			return
		}
		p := ev.Person
		if p != Representative {
			p = Applicant
		}
		seen := identity.Seen{Doc: d.ID, IssuedOn: ev.IssuedOn}
		// A document is seen once: ticking it again unticks it, ticking it with another issue
		// date (the certificate of driving history before or from 2012-04-01) replaces it.
		switch i := slices.IndexFunc(s.Docs[p], func(x identity.Seen) bool { return x.Doc == d.ID }); {
		case i < 0:
			s.Docs[p] = append(s.Docs[p], seen)
		case s.Docs[p][i] == seen:
			s.Docs[p] = slices.Delete(s.Docs[p], i, i+1)
		default:
			s.Docs[p][i] = seen
		}
		f.changed()
	case SetAttendance:
		s.Attendance = ev.Attendance
		if s.Attendance != identity.WithRepresentative {
			s.Editing = Applicant
		}
		f.changed()
	case SetAdultWard:
		s.AdultWard = ev.Yes
		f.changed()
	case SetEditing:
		if ev.Person == Representative && s.Attendance == identity.WithRepresentative {
			s.Editing = Representative
		} else {
			s.Editing = Applicant
		}
		f.changed()
	case Next:
		// Not verified is allowed: the application is taken and the card is collected at the
		// office instead of mailed. The screen says which it is before the clerk goes on.
		f.enter(Options)
	case Back:
		f.enter(BirthDate)
	}
}

// counterRecord is what the counter records beside the application (nil in kiosk mode).
func (f *Flow) counterRecord() *CounterRecord {
	if !f.cfg.Counter || f.clerk == nil {
		return nil
	}
	v, err := f.Verification()
	if err != nil {
		// The date of birth was checked before Sending: this is a bug, and the submission's
		// validation refuses the application anyway.
		f.cfg.Log.Error("flow: identity verification", "err", err)
	}
	return &CounterRecord{Clerk: *f.clerk, Verification: v}
}
