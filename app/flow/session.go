package flow

import (
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
)

// Session is what one resident entered. It is personal data: the flow wipes it (and asks the
// UI to clear what it shows) when the session ends, is abandoned, or times out.
type Session struct {
	// Lang is the language the resident chose.
	Lang string
	// FormID is the application ID read from the form, or typed; empty until then.
	FormID booth.FormID
	// FormFromCamera: read by the camera (repeats while held up) rather than typed or scanned.
	FormFromCamera bool
	Birth          BirthEntry
	Options        booth.Options
	// Photo is the last photo taken and checked (nil before the first).
	Photo *Photo
	// Tries counts photos taken in this session; Refused those the check refused.
	Tries, Refused int
	// Check is the photo check that goes with the application: the checker's verdict, and
	// staff's override reason when they accepted a refused photo.
	Check booth.PhotoCheck
	// Result is what became of the application once sent (nil before).
	Result *booth.Submitted
	// SlipFile is where the slip went when the printer is a PDF file (demo, tests).
	SlipFile string

	// Counter mode: who came, whether the applicant is an adult ward, the documents the clerk
	// saw for the applicant and the representative, and whose the screen ticks now.
	Attendance identity.Attendance
	AdultWard  bool
	Docs       [2][]identity.Seen
	Editing    Person
	// Reprints counts the slip's reprints at the counter.
	Reprints int
	// SlipLang is the applicant's language at the counter, for the slip (Lang is the clerk's);
	// "" is the clerk's.
	SlipLang string
}

// Photo is a still after the photo check.
type Photo struct {
	OK bool
	// JPEG is the 35:45 crop that would be submitted (nil when none could be made).
	JPEG []byte
	// Problems are why it was refused, most important first.
	Problems []Problem
}

// Problem is one reason a photo was refused: its code and the message to show.
type Problem struct {
	Code string
	Key  string
	Args []any
}

// Codes lists the photo's problem codes.
func (p *Photo) Codes() []string {
	var out []string
	for _, x := range p.Problems {
		out = append(out, x.Code)
	}
	return out
}

// wipe overwrites what the session holds and resets it: the photo's bytes are zeroed in
// place, not only dropped, so a copy the UI still holds shows nothing either.
func (s *Session) wipe(lang string) {
	s.Photo.wipe()
	s.Birth.wipe()
	if s.Result != nil && s.Result.Application != nil {
		clear(s.Result.Application.Photo)
	}
	*s = Session{Lang: lang, Options: booth.DefaultOptions, Attendance: identity.InPerson}
}

func (p *Photo) wipe() {
	if p != nil {
		clear(p.JPEG)
		*p = Photo{}
	}
}
