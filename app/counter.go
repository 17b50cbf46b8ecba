package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
	"github.com/idbooth/idbooth/capture/imagefile"
)

// Counter is what the kiosk needs to run at a municipal counter (issue 12): the same flow with a
// counter channel, clerks who sign in, identity verification, and photos imported from a
// scanner or a file. Each is a small interface so the screens do not depend on how staff,
// scanners and the queue's counter records are kept.
type Counter struct {
	// Staff signs clerks in and out (staff.Directory, which writes the audit log).
	Staff flow.Staff
	// Enqueue queues a counter application with its record (the clerk, the verification)
	// durably, and writes its audit entries (application, override).
	Enqueue func(ctx context.Context, a *booth.Application, r *flow.CounterRecord) error
	// Reprinted records a reprint of a slip by clerk c in the audit log.
	Reprinted func(ctx context.Context, uuid string, c flow.Clerk) error
	// Scanner scans a printed photo (nil: no scanner).
	Scanner Scanner
	// ImportDir is the folder whose newest image "from a file" imports ("": none).
	ImportDir string
}

// Scanner scans the photo on a flatbed scanner and returns the image file (PNG, JPEG, PNM).
type Scanner interface {
	Scan(ctx context.Context) ([]byte, error)
}

// counter reports whether the kiosk runs at a counter.
func (k *kiosk) counter() bool { return k.opt.Counter != nil }

// docEntry is one checkbox of the identity screen: a document, and for the certificate of
// driving history one of its two issues (before or from 2012-04-01), which count in two lists.
type docEntry struct {
	seen  identity.Seen
	class identity.Class
	key   string // its name: "counter.doc.<id>[.from|.before]"
}

// docEntries lists the identity screen's checkboxes by list (A, B, the notices, the proof of
// representation), numbered in this order from 1 for the keyboard.
func docEntries() []docEntry {
	var out []docEntry
	for _, class := range []identity.Class{identity.ClassA, identity.ClassB, identity.ClassNotice, identity.ClassAuthority} {
		for _, d := range identity.Documents {
			switch {
			case d.IssuedFrom.IsZero() && d.Class == class:
				out = append(out, docEntry{seen: identity.Seen{Doc: d.ID}, class: class, key: "counter.doc." + d.ID})
			case !d.IssuedFrom.IsZero() && d.Class == class:
				out = append(out, docEntry{seen: identity.Seen{Doc: d.ID, IssuedOn: d.IssuedFrom}, class: class, key: "counter.doc." + d.ID + ".from"})
			case !d.IssuedFrom.IsZero() && d.Before == class:
				out = append(out, docEntry{seen: identity.Seen{Doc: d.ID}, class: class, key: "counter.doc." + d.ID + ".before"})
			}
		}
	}
	return out
}

// docLabel is a document's name for the clerk: the Japanese name first, then the clerk's
// language when it is not Japanese.
func docLabel(m *assets.Catalog, key string) string {
	ja := assets.Messages(assets.DefaultLanguage).T(key)
	if m.Lang() == assets.DefaultLanguage {
		return ja
	}
	return ja + " · " + m.T(key)
}

// signInScreen: the staff ID and the PIN, typed on the keyboard (or the keypad for the PIN).
type signInScreen struct {
	heading, hint, idLabel, pinLabel, err, idle *widget.Label
	id, pin                                     *tapButton
	pad                                         *keypad
	box                                         fyne.CanvasObject
}

func newSignInScreen(k *kiosk) *signInScreen {
	s := &signInScreen{heading: newText(sizeHeading, fyne.TextAlignLeading), hint: newText(sizeBody, fyne.TextAlignLeading),
		idLabel: newText(sizeBody, fyne.TextAlignLeading), pinLabel: newText(sizeBody, fyne.TextAlignLeading),
		err: newText(sizeBody, fyne.TextAlignLeading), idle: newText(sizeSmall, fyne.TextAlignLeading)}
	s.id = newTapButton("", false, func() { k.send(flow.SetField{Field: 0}) })
	s.pin = newTapButton("", false, func() { k.send(flow.SetField{Field: 1}) })
	s.id.MinWidth, s.pin.MinWidth = 400, 400
	s.id.Fit, s.pin.Fit = true, true
	s.pad = newKeypad(func(d byte) { k.send(flow.Digit{D: d}) }, func() { k.send(flow.Backspace{}) })
	form := container.NewVBox(s.heading, s.hint, gap(), s.idLabel, s.id, s.pinLabel, s.pin, s.err, s.idle)
	s.box = container.New(splitLayout{ratio: 0.58}, container.NewVScroll(form), container.NewCenter(s.pad.content))
	return s
}

func (s *signInScreen) content() fyne.CanvasObject { return s.box }

func (s *signInScreen) render(k *kiosk) {
	m, f := k.msgs, k.flow
	setText(s.heading, m.T("counter.signin.heading"), 0)
	setText(s.hint, m.T("counter.signin.hint"), 0)
	setText(s.idLabel, m.T("counter.signin.id"), 0)
	setText(s.pinLabel, m.T("counter.signin.pin"), 0)
	id := f.StaffID()
	if f.SignInField() == 0 {
		id += "_"
	}
	s.id.Selected, s.pin.Selected = f.SignInField() == 0, f.SignInField() == 1
	s.id.set(id, true)
	s.pin.set(strings.Repeat("● ", f.PINLength())+strings.Repeat("○ ", max(0, 6-f.PINLength())), true)
	s.id.Refresh()
	s.pin.Refresh()
	if err := f.InputErr(); err != nil {
		setText(s.err, "✗ "+m.Error(err), widget.DangerImportance)
	} else {
		setText(s.err, "", 0)
	}
	if d := k.flow.Config().IdleAfter + k.flow.Config().IdleGrace; d < 2*time.Minute {
		setText(s.idle, m.T("counter.signin.idle_seconds", int(d.Seconds())), 0)
	} else {
		setText(s.idle, m.T("counter.signin.idle", int(d.Minutes())), 0)
	}
	s.pad.del.set(m.T("ui.keypad.delete"), true)
}

// identityScreen: the documents the clerk saw as big checkboxes by list, who came, and in plain
// words whether identity is verified or what is still missing. Two digits tick a document by
// its number; W, G and R change who came, the adult ward and whose documents are ticked.
type identityScreen struct {
	entries                    []docEntry
	boxes                      []*tapButton
	classes                    map[identity.Class]*widget.Label
	authority                  fyne.CanvasObject
	heading, keys, typed       *widget.Label
	attHeading, edHeading, age *widget.Label
	verdict, missing, note     *widget.Label
	attendance                 map[identity.Attendance]*tapButton
	ward                       *tapButton
	editing                    map[flow.Person]*tapButton
	editBox                    fyne.CanvasObject
	digits                     string // a document number being typed
	box                        fyne.CanvasObject
}

var attendances = []identity.Attendance{identity.InPerson, identity.WithRepresentative, identity.Proxy}

func newIdentityScreen(k *kiosk) *identityScreen {
	s := &identityScreen{entries: docEntries(), classes: map[identity.Class]*widget.Label{},
		attendance: map[identity.Attendance]*tapButton{}, editing: map[flow.Person]*tapButton{}}
	s.heading, s.keys, s.typed = newText(sizeHeading, fyne.TextAlignLeading), newText(sizeSmall, fyne.TextAlignLeading), newText(sizeSmall, fyne.TextAlignLeading)
	list := container.NewVBox(s.heading, s.keys)
	var group *fyne.Container
	var authority *fyne.Container
	for i, e := range s.entries {
		if s.classes[e.class] == nil {
			s.classes[e.class] = newText(sizeBody, fyne.TextAlignLeading)
			group = container.NewVBox()
			sec := container.NewVBox(s.classes[e.class], group)
			if e.class == identity.ClassAuthority {
				authority = sec
			}
			list.Add(sec)
		}
		b := newTapButton("", false, func() { s.toggle(k, i) })
		b.MinWidth, b.Fit = 300, true
		s.boxes = append(s.boxes, b)
		group.Add(b)
	}
	s.authority = authority
	s.attHeading, s.edHeading = newText(sizeBody, fyne.TextAlignLeading), newText(sizeBody, fyne.TextAlignLeading)
	s.age = newText(sizeBody, fyne.TextAlignLeading)
	s.verdict, s.missing, s.note = newText(sizeBody, fyne.TextAlignLeading), newText(sizeSmall, fyne.TextAlignLeading), newText(sizeSmall, fyne.TextAlignLeading)
	// The verdict first: what is still missing is what the clerk looks for.
	side := container.NewVBox(s.verdict, s.missing, s.typed, s.age, s.attHeading)
	for _, a := range attendances {
		b := newTapButton("", false, func() { k.send(flow.SetAttendance{Attendance: a}) })
		s.attendance[a] = b
		side.Add(b)
	}
	s.ward = newTapButton("", false, func() { k.send(flow.SetAdultWard{Yes: !k.flow.Session().AdultWard}) })
	side.Add(s.ward)
	for _, b := range append([]*tapButton{s.ward}, s.attendance[identity.InPerson], s.attendance[identity.WithRepresentative], s.attendance[identity.Proxy]) {
		b.MinWidth, b.Fit = 200, true
	}
	ed := container.NewGridWithColumns(2)
	for _, p := range []flow.Person{flow.Applicant, flow.Representative} {
		b := newTapButton("", false, func() { k.send(flow.SetEditing{Person: p}) })
		b.MinWidth, b.Fit = 100, true
		s.editing[p] = b
		ed.Add(b)
	}
	s.editBox = container.NewVBox(s.edHeading, ed)
	side.Add(s.editBox)
	side.Add(s.note)
	s.box = container.New(splitLayout{ratio: 0.6}, container.NewVScroll(list), container.NewVScroll(side))
	return s
}

func (s *identityScreen) content() fyne.CanvasObject { return s.box }

func (s *identityScreen) wipe() { s.digits = "" }

// toggle ticks or unticks entry i for the person whose documents are being ticked.
func (s *identityScreen) toggle(k *kiosk, i int) {
	e := s.entries[i]
	k.send(flow.ToggleDoc{Person: k.flow.Editing(), Doc: e.seen.Doc, IssuedOn: e.seen.IssuedOn})
}

// digit takes a typed digit: two make a document number.
func (s *identityScreen) digit(k *kiosk, d rune) {
	s.digits += string(d)
	if len(s.digits) == 2 {
		n := int(s.digits[0]-'0')*10 + int(s.digits[1]-'0')
		s.digits = ""
		if n >= 1 && n <= len(s.entries) {
			s.toggle(k, n-1)
			return
		}
	}
	k.send(flow.Activity{})
	k.refreshScreen()
}

func (s *identityScreen) render(k *kiosk) {
	m, f := k.msgs, k.flow
	ses := f.Session()
	setText(s.heading, m.T("counter.identity.heading"), 0)
	setText(s.keys, m.T("counter.identity.keys"), 0)
	for c, l := range s.classes {
		setText(l, m.T("counter.class."+string(c)), 0)
	}
	editing := f.Editing()
	for i, e := range s.entries {
		b := s.boxes[i]
		b.Selected = f.Ticked(editing, e.seen)
		b.set(twoDigits(i+1)+"  "+docLabel(m, e.key), true)
		b.Refresh()
	}
	withRep := ses.Attendance == identity.WithRepresentative
	if withRep && editing == flow.Representative {
		s.authority.Show()
	} else {
		s.authority.Hide()
	}
	if birth, err := ses.Birth.Date(k.now()); err == nil {
		setText(s.age, m.T("counter.identity.age", birth.AgeOn(booth.Today(k.now()))), 0)
	}
	setText(s.attHeading, m.T("counter.attendance.heading"), 0)
	for a, b := range s.attendance {
		b.Selected = ses.Attendance == a
		b.set(m.T("counter.attendance."+string(a)), true)
		b.Refresh()
	}
	s.ward.Selected = ses.AdultWard
	s.ward.set(m.T("counter.adult_ward"), true)
	s.ward.Refresh()
	setText(s.edHeading, m.T("counter.editing.heading"), 0)
	for p, b := range s.editing {
		b.Selected = editing == p
		key := "counter.person.applicant"
		if p == flow.Representative {
			key = "counter.person.representative"
		}
		b.set(m.T(key), true)
		b.Refresh()
	}
	if withRep {
		s.editBox.Show()
	} else {
		s.editBox.Hide()
	}
	v, err := f.Verification()
	switch {
	case err != nil:
		setText(s.verdict, "✗ "+m.Error(err), widget.DangerImportance)
		setText(s.missing, "", 0)
	case v.Verdict.OK:
		setText(s.verdict, mark("✓", m)+m.T("counter.identity.ok"), widget.SuccessImportance)
		setText(s.missing, m.T("counter.identity.met", m.T("counter.combination."+v.Verdict.Applicant)), 0)
	default:
		setText(s.verdict, mark("✗", m)+m.T("counter.identity.not_ok"), widget.DangerImportance)
		setText(s.missing, missingText(m, v.Verdict), 0)
	}
	if err == nil && !v.Verdict.OK {
		setText(s.note, m.T("counter.identity.not_mailed"), 0)
	} else {
		setText(s.note, "", 0)
	}
	if s.digits != "" {
		setText(s.typed, m.T("counter.identity.typed", s.digits+"_"), 0)
	} else {
		setText(s.typed, "", 0)
	}
}

// mark puts a mark before a sentence: with a space where words are spaced, and none in
// Japanese, where a space would let the line break right after the mark.
func mark(sign string, m *assets.Catalog) string {
	if m.Lang() == assets.DefaultLanguage {
		return sign
	}
	return sign + " "
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// missingText says in plain words why identity is not verified: a rule no document satisfies,
// or what each person still needs ("one from list A, or one from list B and the notification
// card").
func missingText(m *assets.Catalog, v identity.Verdict) string {
	if v.Refusal != "" {
		return m.T("counter.refusal." + v.Refusal)
	}
	var lines []string
	for _, p := range []struct {
		key  string
		ways []identity.Missing
	}{{"counter.identity.missing.applicant", v.MissingApplicant}, {"counter.identity.missing.representative", v.MissingRepresentative}} {
		if len(p.ways) == 0 {
			continue
		}
		var ways []string
		for _, w := range p.ways {
			var needs []string
			for _, n := range w {
				switch n.Class {
				case identity.ClassA, identity.ClassB:
					needs = append(needs, m.T("counter.need."+string(n.Class), n.Count))
				default:
					needs = append(needs, m.T("counter.need."+string(n.Class)))
				}
			}
			ways = append(ways, strings.Join(needs, m.T("counter.identity.and")))
		}
		lines = append(lines, "• "+m.T(p.key, strings.Join(ways, m.T("counter.identity.or"))))
	}
	return strings.Join(lines, "\n")
}

func (s *sourceScreen) wipe() { s.noFile = false }

// sourceScreen: the counter's photo comes from the camera (Enter), the scanner (S) or a file (F).
type sourceScreen struct {
	heading, hint, err    *widget.Label
	camera, scanner, file *tapButton
	noFile                bool // the last "from a file" found none
	box                   fyne.CanvasObject
}

func newSourceScreen(k *kiosk) *sourceScreen {
	s := &sourceScreen{heading: newText(sizeHeading, fyne.TextAlignLeading), hint: newText(sizeBody, fyne.TextAlignLeading),
		err: newText(sizeBody, fyne.TextAlignLeading)}
	s.camera = newTapButton("", true, func() { k.send(flow.Next{}) })
	s.scanner = newTapButton("", false, func() { k.importScan() })
	s.file = newTapButton("", false, func() { k.chooseFile() })
	for _, b := range []*tapButton{s.camera, s.scanner, s.file} {
		b.MinWidth, b.Fit = 500, true
	}
	s.box = container.NewVScroll(container.NewVBox(s.heading, s.hint, gap(), s.camera, gap(), s.scanner, gap(), s.file, s.err))
	return s
}

func (s *sourceScreen) content() fyne.CanvasObject { return s.box }

func (s *sourceScreen) render(k *kiosk) {
	m := k.msgs
	setText(s.heading, m.T("counter.source.heading"), 0)
	setText(s.hint, m.T("counter.source.hint"), 0)
	s.camera.set(m.T("counter.source.camera"), !k.flow.CameraDown())
	s.scanner.set(m.T("counter.source.scanner"), k.opt.Counter.Scanner != nil)
	s.file.set(m.T("counter.source.file"), k.opt.Counter.ImportDir != "")
	var notes []string
	if k.opt.Counter.Scanner == nil {
		notes = append(notes, m.T("counter.source.no_scanner"))
	}
	if s.noFile {
		notes = append(notes, "✗ "+m.T("counter.source.no_file"))
	}
	setText(s.err, strings.Join(notes, "\n"), 0)
}

// importScan imports the photo from the scanner.
func (k *kiosk) importScan() {
	if k.opt.Counter.Scanner != nil {
		k.send(flow.ImportPhoto{Source: flow.PhotoSource{Scanner: true}})
	}
}

// reasonScreen: the clerk's reason for accepting a flagged photo, one of
// booth.CounterOverrideReasons (typed 1–5 or tapped). The code, not words, is recorded: it goes
// in the audit log. Its words are "counter.override.<code>".
type reasonScreen struct {
	heading, err *widget.Label
	buttons      []*tapButton
	box          fyne.CanvasObject
}

func newReasonScreen(k *kiosk) *reasonScreen {
	s := &reasonScreen{heading: newText(sizeHeading, fyne.TextAlignLeading), err: newText(sizeBody, fyne.TextAlignLeading)}
	box := container.NewVBox(s.heading, gap())
	for i := range booth.CounterOverrideReasons {
		b := newTapButton("", false, func() { s.pick(k, i) })
		b.MinWidth, b.Fit = 500, true
		s.buttons = append(s.buttons, b)
		box.Add(b)
	}
	box.Add(s.err)
	s.box = container.NewVScroll(box)
	return s
}

func (s *reasonScreen) content() fyne.CanvasObject { return s.box }

func (s *reasonScreen) pick(k *kiosk, i int) {
	if rs := booth.CounterOverrideReasons; i >= 0 && i < len(rs) {
		k.send(flow.StaffAccept{Reason: rs[i]})
	}
}

func (s *reasonScreen) render(k *kiosk) {
	m := k.msgs
	setText(s.heading, m.T("counter.reason.heading"), 0)
	for i, code := range booth.CounterOverrideReasons {
		s.buttons[i].set(string(rune('1'+i))+"  "+m.T("counter.override."+code), true)
	}
	if err := k.flow.InputErr(); err != nil {
		setText(s.err, "✗ "+m.Error(err), widget.DangerImportance)
	} else {
		setText(s.err, "", 0)
	}
}

// counterRune takes a character typed at the counter where the counter's screens give it a
// meaning; it reports whether it did.
func (k *kiosk) counterRune(r rune) bool {
	f := k.flow
	lower := r | 0x20
	switch f.State() {
	case flow.SignIn:
		k.send(flow.Char{R: r})
		return true
	case flow.Identity:
		s := k.screens[flow.Identity].(*identityScreen)
		switch {
		case r >= '0' && r <= '9':
			s.digit(k, r)
		case lower == 'w':
			i := 0
			for j, a := range attendances {
				if a == f.Session().Attendance {
					i = j
				}
			}
			k.send(flow.SetAttendance{Attendance: attendances[(i+1)%len(attendances)]})
		case lower == 'g':
			k.send(flow.SetAdultWard{Yes: !f.Session().AdultWard})
		case lower == 'r':
			k.send(flow.SetEditing{Person: 1 - f.Editing()})
		default:
			return false
		}
		return true
	case flow.Instructions:
		switch lower {
		case 's':
			k.importScan()
		case 'f':
			k.chooseFile()
		default:
			return false
		}
		return true
	case flow.Review:
		if lower == 'o' {
			k.send(flow.CallStaff{})
			return true
		}
	case flow.StaffReason:
		if r >= '1' && r <= '9' {
			k.screens[flow.StaffReason].(*reasonScreen).pick(k, int(r-'1'))
			return true
		}
	case flow.Done:
		if lower == 'p' {
			k.send(flow.Reprint{})
			return true
		}
	}
	return false
}

// chooseFile imports the newest image in the counter's import folder (where a network
// scanner or the clerk saves photos the applicant brought as files).
func (k *kiosk) chooseFile() {
	path, err := newestImage(k.opt.Counter.ImportDir)
	if err != nil {
		k.log.Warn("no photo file to import", "err", err)
		k.screens[flow.Instructions].(*sourceScreen).noFile = true
		k.refreshScreen()
		return
	}
	k.send(flow.ImportPhoto{Source: flow.PhotoSource{File: path}})
}

// newestImage is the image file in dir modified last.
func newestImage(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("no import folder is set")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var best string
	var bestTime time.Time
	for _, e := range entries {
		// The formats imagefile reads: a PNM or TIFF would be refused on import.
		if !e.Type().IsRegular() || !imagefile.HasImageExtension(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && (best == "" || info.ModTime().After(bestTime)) {
			best, bestTime = filepath.Join(dir, e.Name()), info.ModTime()
		}
	}
	if best == "" {
		return "", errors.New("no image file in the import folder")
	}
	return best, nil
}

// counterActions are the Back and primary buttons of the counter's screens, where they differ
// from the kiosk's (ok false: the kiosk's).
func (k *kiosk) counterActions(state flow.State) (back, primary string, enabled, ok bool) {
	f := k.flow
	switch state {
	case flow.SignIn:
		if f.SignInField() == 0 {
			return "counter.signin.clear", "counter.signin.next", f.StaffID() != "", true
		}
		return "counter.signin.clear", "counter.signin.go", f.PINLength() > 0, true
	case flow.Scan:
		return "", "ui.next", f.ScanPhase() == flow.ScanRead, true
	case flow.Identity:
		return "ui.back", "ui.next", true, true
	case flow.Instructions:
		return "ui.back", "", false, true // the sources are the screen's own big buttons
	case flow.Review:
		if p := f.Session().Photo; p != nil && !p.OK {
			return "ui.back", "counter.review.retake", true, true
		}
	case flow.StaffReason:
		return "ui.back", "", false, true
	case flow.Confirm:
		return "ui.back", "counter.confirm.send", true, true
	case flow.Done:
		return "", "counter.done.next", true, true
	}
	return "", "", false, false
}
