package flow

import (
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
)

// An Event is something the resident, staff, the camera or a finished job did. Screens and
// the kiosk's workers send events; only the flow changes state.
type Event interface{ event() }

type (
	// Next is the screen's primary action (Enter): Start, Next, Take photo, Use this photo,
	// Agree and send, Done.
	Next struct{}
	// Back goes back one step (Escape), keeping what was entered.
	Back struct{}
	// Activity is a touch, a key or a face in front of the camera: someone is there.
	Activity struct{}
	// Tick lets time-outs run; the time is the flow's clock.
	Tick struct{}

	// SetLang changes the resident's language (any screen).
	SetLang struct{ Lang string }
	// Start begins a session in Lang ("" keeps the current language).
	Start struct{ Lang string }

	// FormRead is a reading of the form's QR code (camera or barcode reader) or a typed ID,
	// already validated: ID when good, Err (a *qr.RejectError ...) when not.
	FormRead struct {
		ID         booth.FormID
		Err        error
		FromCamera bool
	}
	// ScanAgain forgets the ID read and scans again.
	ScanAgain struct{}
	// CameraDown and CameraUp report the camera.
	CameraDown struct{}
	CameraUp   struct{}

	// Digit is a digit typed on the keypad or keyboard ('0'–'9'); Backspace deletes one.
	Digit     struct{ D byte }
	Backspace struct{}
	// SetCalendar switches the date of birth between the Western calendar ("") and an era.
	SetCalendar struct{ Era booth.Era }
	// SetECertificate and SetBraille set the options.
	SetECertificate struct{ Yes bool }
	SetBraille      struct{ Yes bool }

	// PhotoChecked is the still check's answer to the request Req.
	PhotoChecked struct {
		Req   int
		Photo *Photo
		Err   error
	}
	// Retake goes back to the live preview for another photo.
	Retake struct{}
	// CallStaff asks for staff's help with a refused photo (after booth.ResidentTries).
	CallStaff struct{}
	// StaffAccept is staff's reason for accepting the refused photo as it is.
	StaffAccept struct{ Reason string }

	// Submitted is the answer to the submission Req: the queued application and its slip, or
	// why it could not be queued. SlipFile is where the slip went when printed to a PDF file.
	Submitted struct {
		Req      int
		Result   *booth.Submitted
		Err      error
		SlipFile string
	}
	// PrintPhotoSheet asks for the ID-photo sheet of the application just sent.
	PrintPhotoSheet struct{}

	// Failure is anything unexpected: the flow goes to the failsafe state.
	Failure struct{ Err error }

	// EndSession wipes the session and returns to the start, from any state (the kiosk is
	// closing, or staff end a session).
	EndSession struct{}

	// OperatorRequest is the hidden gesture or key combination for operator mode.
	OperatorRequest struct{}
	// OperatorLeave leaves operator mode.
	OperatorLeave struct{}

	// Char is a character typed on the counter's sign-in screen (the staff ID has letters).
	Char struct{ R rune }
	// SetField moves the sign-in screen to the staff ID (0) or the PIN (1).
	SetField struct{ Field int }
	// SignOut signs the clerk out (counter mode), wiping any application under way.
	SignOut struct{}
	// ToggleDoc ticks or unticks a document the clerk saw, for the applicant or the
	// representative. IssuedOn is the issue date where the list depends on it.
	ToggleDoc struct {
		Person   Person
		Doc      string
		IssuedOn booth.Date
	}
	// SetAttendance says who came: the applicant, with their legal representative, or a proxy.
	SetAttendance struct{ Attendance identity.Attendance }
	// SetAdultWard says whether the applicant is an adult ward (成年被後見人).
	SetAdultWard struct{ Yes bool }
	// SetEditing chooses whose documents the identity screen ticks.
	SetEditing struct{ Person Person }
	// ImportPhoto takes the counter photo from a file or the scanner instead of the camera.
	ImportPhoto struct{ Source PhotoSource }
	// Reprint prints the slip of the application just queued again (counter mode).
	Reprint struct{}
	// SetSlipLang chooses the applicant's language for the slip (counter mode, on Confirm).
	SetSlipLang struct{ Lang string }
)

func (Next) event()            {}
func (Back) event()            {}
func (Activity) event()        {}
func (Tick) event()            {}
func (SetLang) event()         {}
func (Start) event()           {}
func (FormRead) event()        {}
func (ScanAgain) event()       {}
func (CameraDown) event()      {}
func (CameraUp) event()        {}
func (Digit) event()           {}
func (Backspace) event()       {}
func (SetCalendar) event()     {}
func (SetECertificate) event() {}
func (SetBraille) event()      {}
func (PhotoChecked) event()    {}
func (Retake) event()          {}
func (CallStaff) event()       {}
func (StaffAccept) event()     {}
func (Submitted) event()       {}
func (PrintPhotoSheet) event() {}
func (Failure) event()         {}
func (EndSession) event()      {}
func (OperatorRequest) event() {}
func (OperatorLeave) event()   {}
func (Char) event()            {}
func (SetField) event()        {}
func (SignOut) event()         {}
func (ToggleDoc) event()       {}
func (SetAttendance) event()   {}
func (SetAdultWard) event()    {}
func (SetEditing) event()      {}
func (ImportPhoto) event()     {}
func (Reprint) event()         {}
func (SetSlipLang) event()     {}
