package flow

// State is one screen of the kiosk. The resident's states run in this order; Idle, AskStaff
// and the operator's states can interrupt them.
type State int

const (
	Attract      State = iota // what this is, languages, Start
	Scan                      // read the form's QR code (camera, barcode reader) or type the ID
	BirthDate                 // the date of birth on a keypad, Western or Japanese era
	Options                   // electronic certificates, braille
	Instructions              // how to sit for the photo
	Live                      // mirror preview with the guide and the live hint
	Countdown                 // 3-2-1, then the still is taken
	Checking                  // the still is being checked
	Review                    // the 35:45 crop and what is wrong with it; use or retake
	StaffPIN                  // a refused photo: staff identify themselves ...
	StaffReason               // ... and say why they accept it as it is
	Confirm                   // masked ID, date of birth, options, photo; agree and send
	Sending                   // queueing and printing the slip
	Done                      // thank you: receipt number, take the slip
	AskStaff                  // the failsafe: a calm "please ask staff", nothing lost
	Idle                      // "are you still there?" over a resident screen
	OperatorPIN               // operator mode: the PIN
	Operator                  // operator mode: queue, sync, printer, camera, settings
	SignIn                    // counter mode: a clerk signs in with staff ID and PIN
	Identity                  // counter mode: the documents the clerk saw, and who came
)

var stateNames = [...]string{"attract", "scan", "birth_date", "options", "instructions", "live", "countdown",
	"checking", "review", "staff_pin", "staff_reason", "confirm", "sending", "done", "ask_staff", "idle",
	"operator_pin", "operator", "sign_in", "identity"}

// String is the state's stable name (logs, tests).
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Step is where a resident is in the application, for the step indicator: 1 the form, 2 the
// date of birth, 3 the options, 4 the photo, 5 the confirmation; 0 outside the application.
func (s State) Step() int {
	switch s {
	case Scan:
		return 1
	case BirthDate:
		return 2
	case Options:
		return 3
	case Instructions, Live, Countdown, Checking, Review, StaffPIN, StaffReason:
		return 4
	case Confirm, Sending:
		return 5
	}
	return 0
}

// Steps is the number of steps the indicator shows.
const Steps = 5

// resident reports whether s belongs to a resident's session (idle applies, a session may hold
// personal data).
func (s State) resident() bool {
	switch s {
	case Attract, Done, AskStaff, Idle, OperatorPIN, Operator, Sending, Checking, SignIn:
		return false
	}
	return true
}

// CameraUse is what the camera is for in a state: the frame pump reads it.
type CameraUse int

const (
	CameraOff  CameraUse = iota // no preview: the camera idles
	CameraForm                  // preview and QR decoding
	CameraFace                  // mirror preview and live photo guidance
)

// Camera is what state s needs from the camera.
func (s State) Camera() CameraUse {
	switch s {
	case Scan:
		return CameraForm
	case Live, Countdown, Checking:
		return CameraFace
	}
	return CameraOff
}
