package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
)

// The form frame the folder camera shows first (../shared/testdata/formqr, read by the live
// reader) and the ID its QR code holds.
const (
	formFrame   = "frame003.jpg"
	formFrameID = booth.FormID("73241688053052503051788")
	operatorPIN = "2468"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// rig is a kiosk on Fyne's test driver with a real queue, a folder camera of real images, and
// slips written as PDFs; the test drives its clock and its camera frame by frame.
type rig struct {
	t      *testing.T
	k      *kiosk
	clock  *clock
	store  *storage.Store
	cam    *capture.StillDir
	camIdx int // the folder image the camera shows
	pump   *pump
	sounds *soundRecorder
	slips  string
	camDir string
}

// acceptedFace is the first accept-labelled photo of ../shared/testdata/faces that the checker
// accepts (the labels are the photo engineers' concern, the kiosk's flow is this test's).
func acceptedFace(t *testing.T) string {
	return labelledFace(t, "accept", func(r *photo.Result) bool { return r.OK })
}

// labelledFace is the first photo labelled verdict whose check result pleases want.
func labelledFace(t *testing.T, verdict string, want func(*photo.Result) bool) string {
	dir := testsupport.SharedTestdata(t, "faces")
	data, err := os.ReadFile(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := photo.NewChecker(photo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, line := range strings.Split(string(data), "\n")[1:] {
		f := strings.Split(line, "\t")
		if len(f) < 2 || f[1] != verdict {
			continue
		}
		if res, err := c.CheckFile(filepath.Join(dir, f[0])); err == nil && want(res) {
			return filepath.Join(dir, f[0])
		}
	}
	t.Fatalf("the checker finds none of the %s-labelled photos as wanted", verdict)
	return ""
}

// newRig makes the rig; each option may change what the kiosk runs with (counter mode).
func newRig(t *testing.T, opts ...func(*rig, *Options)) *rig {
	t.Helper()
	a := test.NewApp()
	t.Cleanup(a.Quit)
	r := &rig{t: t, clock: &clock{time.Date(2026, 11, 29, 10, 0, 0, 0, booth.JST)}, store: storagetest.Open(t), slips: t.TempDir()}
	// The folder camera: the form, then the face, each held an hour of a clock of its own.
	r.camDir = t.TempDir()
	copyFile(t, filepath.Join(testsupport.SharedTestdata(t, "formqr"), formFrame), filepath.Join(r.camDir, "1-form.jpg"))
	copyFile(t, acceptedFace(t), filepath.Join(r.camDir, "2-face.jpg"))
	cam, err := capture.OpenStillDir(r.camDir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Unix(0, 0)
	cam.SetClock(func() time.Time { return base.Add(time.Duration(r.camIdx) * time.Hour) })
	r.cam = cam
	h, _ := pin.Hash(operatorPIN)
	lock, _ := pin.NewLock(h, r.clock.Now)
	r.sounds = &soundRecorder{}
	opt := Options{
		Source: cam, Store: r.store, Printer: &slip.Booth{Dir: r.slips}, PIN: lock, Now: r.clock.Now, Player: r.sounds,
		Settings: Settings{BoothID: "test-booth", BoothName: "Test", IdleTimeout: 60 * time.Second, PhotoSheet: true, Volume: 3},
		Windowed: true,
	}
	for _, o := range opts {
		o(r, &opt)
	}
	k, err := newKiosk(a, opt)
	if err != nil {
		t.Fatal(err)
	}
	k.fx.inline = true
	k.win.Resize(fyne.NewSize(1280, 800))
	r.k = k
	r.pump = newPump()
	t.Cleanup(func() { r.pump.close(); k.close() })
	return r
}

func copyFile(t *testing.T, from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// showImage makes the folder camera show its image i (0: the form, 1: the face).
func (r *rig) showImage(i int) { r.camIdx = i }

// wait lets time pass on the kiosk's clock, ticking as the kiosk does.
func (r *rig) wait(d time.Duration) {
	for step := 250 * time.Millisecond; d > 0; d -= step {
		r.clock.t = r.clock.t.Add(min(step, d))
		r.k.send(flow.Tick{})
	}
}

// frames runs the camera for n frames.
func (r *rig) frames(n int) {
	for i := 0; i < n; i++ {
		r.k.camera.step(context.Background(), r.pump)
	}
}

func (r *rig) want(s flow.State) {
	r.t.Helper()
	if got := r.k.flow.State(); got != s {
		r.t.Fatalf("state %s, want %s (failure: %v)", got, s, r.k.flow.Failure())
	}
}

func (r *rig) tap(b *tapButton) {
	r.t.Helper()
	if !b.Visible() || b.Disabled {
		r.t.Fatalf("button %q is not there to tap (visible %v, disabled %v)", b.Text, b.Visible(), b.Disabled)
	}
	test.Tap(b)
}

func (r *rig) typeOn(p *keypad, digits string) {
	for _, d := range []byte(digits) {
		r.tap(p.keys[d])
	}
}

// A resident applies from start to end by touch alone, in English: the camera reads the form,
// the date of birth goes in on the keypad, the photo is taken and accepted; the queue then holds
// one application that decrypts to what was entered, and its slip was printed and recorded.
func TestResidentAppliesByTouch(t *testing.T) {
	r := newRig(t)
	k := r.k
	attract := k.screens[flow.Attract].(*attractScreen)
	r.tap(attract.langs.buttons["en"])
	if k.msgs.Lang() != "en" || k.chrome.primary.Text != "Start" {
		t.Fatalf("language: %s, primary %q", k.msgs.Lang(), k.chrome.primary.Text)
	}
	r.tap(k.chrome.primary)
	r.want(flow.Scan)

	if d := k.opt.Camera.Device(); d.State != upload.DeviceUnknown {
		t.Fatalf("the camera's state before any frame: %+v", d)
	}
	r.showImage(0)
	for i := 0; i < 20 && k.flow.ScanPhase() != flow.ScanRead; i++ {
		r.frames(1)
	}
	if d := k.opt.Camera.Device(); d.State != upload.DeviceOK || d.Code != "" || d.At.IsZero() {
		t.Fatalf("the camera's state after frames: %+v", d)
	}
	scan := k.screens[flow.Scan].(*scanScreen)
	if k.flow.ScanPhase() != flow.ScanRead || !strings.Contains(scan.masked.Text, "1788") || strings.Contains(scan.masked.Text, "7324") {
		t.Fatalf("the form was not read from the camera: %v, shown %q", k.flow.ScanErr(), scan.masked.Text)
	}
	r.wait(2 * time.Second)
	r.want(flow.BirthDate)

	birth := k.screens[flow.BirthDate].(*birthScreen)
	r.tap(birth.calendars[booth.Showa])
	r.typeOn(birth.pad, "600615")
	if !strings.Contains(birth.result.Text, "1985") || !strings.Contains(birth.result.Text, "Showa 60") {
		t.Fatalf("the date shown back: %q", birth.result.Text)
	}
	r.tap(k.chrome.primary)
	r.want(flow.Options)
	opts := k.screens[flow.Options].(*optionsScreen)
	r.tap(opts.brYes)
	r.tap(k.chrome.primary)
	r.want(flow.Instructions)
	r.tap(k.chrome.primary)
	r.want(flow.Live)

	r.showImage(1)
	r.frames(10)
	r.tap(k.chrome.primary) // Take photo
	r.want(flow.Countdown)
	r.wait(3 * time.Second)
	r.want(flow.Checking)
	before := time.Now()
	r.frames(1) // the still
	r.want(flow.Review)
	// The status report's camera state is this check's outcome (passed, just now), not the
	// frames after it.
	checked := time.Now()
	r.frames(1)
	if d := k.opt.Camera.Device(); d.State != upload.DeviceOK || d.Code != "" || d.At.Before(before) || d.At.After(checked) {
		t.Fatalf("the camera's state after the still was checked: %+v", d)
	}
	review := k.screens[flow.Review].(*reviewScreen)
	if !k.flow.Session().Photo.OK || !strings.Contains(review.verdict.Text, "can use") || k.chrome.primary.Text != "Use this photo" {
		t.Fatalf("review: %q, primary %q, problems %v", review.verdict.Text, k.chrome.primary.Text, k.flow.Session().Photo.Codes())
	}
	r.tap(k.chrome.primary)
	r.want(flow.Confirm)
	confirm := k.screens[flow.Confirm].(*confirmScreen)
	if confirm.formID.Text != "***-****-****-****-****-1788" || !strings.Contains(confirm.birth.Text, "15 Jun 1985") {
		t.Fatalf("confirm shows %q %q", confirm.formID.Text, confirm.birth.Text)
	}
	r.tap(k.chrome.primary) // Agree and send
	r.want(flow.Done)

	entries, err := r.store.List(context.Background(), storage.Filter{})
	if err != nil || len(entries) != 1 {
		t.Fatalf("queue: %v %v", entries, err)
	}
	e := entries[0]
	a, err := r.store.Get(context.Background(), e.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if a.FormID != formFrameID || a.BirthDate != (booth.Date{Year: 1985, Month: 6, Day: 15}) || !a.Options.Braille ||
		!a.Options.ECertificate || a.Lang != "en" || !a.PhotoCheck.OK || a.BoothID != "test-booth" || a.Channel != booth.ChannelBooth {
		t.Fatalf("queued %+v", a)
	}
	if e.Slip.State != storage.SlipPrinted {
		t.Fatalf("slip state %s", e.Slip.State)
	}
	done := k.screens[flow.Done].(*doneScreen)
	slipFile := filepath.Join(r.slips, "slip-"+e.Receipt+".pdf")
	if done.receipt.Text != e.Receipt || !strings.Contains(done.slip.Text, slipFile) {
		t.Fatalf("done shows %q / %q", done.receipt.Text, done.slip.Text)
	}
	if text := pdfText(t, slipFile); !strings.Contains(text, e.Receipt) || !strings.Contains(text, "1788") {
		t.Fatalf("the slip PDF does not hold the receipt number:\n%s", text)
	}
	// The photo sheet on offer, printed once.
	r.tap(done.sheet)
	if _, err := os.Stat(filepath.Join(r.slips, "photo-sheet-"+e.Receipt+".pdf")); err != nil {
		t.Fatalf("photo sheet: %v", err)
	}
	// Finish: back to the start with nothing of the session left.
	r.tap(k.chrome.primary)
	r.want(flow.Attract)
	if s := k.flow.Session(); s.FormID != "" || s.Photo != nil || s.Result != nil || review.photo.Image != placeholder ||
		confirm.formID.Text != "" || done.receipt.Text != "" {
		t.Fatalf("the session outlived its end: %+v", s)
	}
}

// A camera that fails is in the status report as failing, with a code and no more, and as
// working again once its frames come back: here the folder camera whose folder is removed.
func TestCameraFailureForTheReport(t *testing.T) {
	r := newRig(t)
	r.frames(1)
	if d := r.k.opt.Camera.Device(); d.State != upload.DeviceOK {
		t.Fatalf("the camera gives frames: %+v", d)
	}
	saved := t.TempDir()
	if err := os.Rename(r.camDir, filepath.Join(saved, "cam")); err != nil {
		t.Fatal(err)
	}
	r.showImage(1) // an image not read yet: from the folder that is gone
	r.frames(1)
	if d := r.k.opt.Camera.Device(); d.State != upload.DeviceError || d.Code != upload.CameraMissing {
		t.Fatalf("the camera's folder is gone: %+v", d)
	}
	if err := os.Rename(filepath.Join(saved, "cam"), r.camDir); err != nil {
		t.Fatal(err)
	}
	r.frames(1)
	if d := r.k.opt.Camera.Device(); d.State != upload.DeviceOK || d.Code != "" {
		t.Fatalf("the camera is back: %+v", d)
	}
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		testsupport.Missing(t, "pdftotext: %v", err)
	}
	out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v %s", path, err, out)
	}
	return string(out)
}

// Operator mode opens with five taps on the title and the PIN; five wrong PINs lock it for five
// minutes, during which even the right PIN is refused.
func TestOperatorPINLockout(t *testing.T) {
	r := newRig(t)
	k := r.k
	for i := 0; i < 5; i++ {
		k.gesture()
	}
	r.want(flow.OperatorPIN)
	pinScr := k.screens[flow.OperatorPIN].(*pinScreen)
	for i := 0; i < pin.MaxTries; i++ {
		r.typeOn(pinScr.pad, "0000")
		r.tap(k.chrome.primary)
	}
	if !strings.Contains(pinScr.err.Text, "✗") {
		t.Fatalf("no lockout shown: %q", pinScr.err.Text)
	}
	r.typeOn(pinScr.pad, operatorPIN)
	r.tap(k.chrome.primary)
	r.want(flow.OperatorPIN)
	r.clock.t = r.clock.t.Add(pin.Lockout)
	r.typeOn(pinScr.pad, operatorPIN)
	r.tap(k.chrome.primary)
	r.want(flow.Operator)
	op := k.screens[flow.Operator].(*operatorScreen)
	r.tap(op.tabs["today"])
	r.tap(op.leave)
	r.want(flow.Attract)
}

// Someone walks away mid-application: "are you still there?", then everything they entered is
// wiped, from the flow and from the screens (typed digits, the photo, the masked ID).
func TestIdleWipesTheScreens(t *testing.T) {
	r := newRig(t)
	k := r.k
	r.tap(k.chrome.primary)
	scan := k.screens[flow.Scan].(*scanScreen)
	r.tap(scan.typeID)
	r.typeOn(scan.pad, "0070730539")
	if !strings.Contains(scan.typed.Text, "007 0730 539") {
		t.Fatalf("typed digits shown as %q", scan.typed.Text)
	}
	r.wait(60 * time.Second)
	r.want(flow.Idle)
	if !k.idle.content.Visible() || !strings.Contains(k.idle.body.Text, "20") {
		t.Fatalf("no question: %q", k.idle.body.Text)
	}
	r.tap(k.idle.cont) // still here
	r.want(flow.Scan)
	if k.keyboard.Text() != "0070730539" {
		t.Fatalf("the still-here touch lost what was typed: %q", k.keyboard.Text())
	}
	r.typeOn(scan.pad, "0250374060955")
	r.tap(scan.typeOK)
	r.wait(2 * time.Second)
	r.want(flow.BirthDate)
	birth := k.screens[flow.BirthDate].(*birthScreen)
	r.typeOn(birth.pad, "1985")
	r.wait(80 * time.Second)
	r.want(flow.Attract)
	if k.keyboard.Text() != "" || scan.typed.Text != "" || scan.masked.Text != "" || birth.slots.Text != "" ||
		k.flow.Session().FormID != "" || k.flow.Session().Birth.Digits != "" || k.idle.content.Visible() {
		t.Fatalf("something of the session is left: keyboard %q, scan %q/%q, birth %q", k.keyboard.Text(),
			scan.typed.Text, scan.masked.Text, birth.slots.Text)
	}
}

// A printer that fails never loses the application: it is queued, the resident is told the
// slip did not print and that staff will print it, and the queue says so for the operator.
func TestPrinterFailureKeepsTheApplication(t *testing.T) {
	r := newRig(t)
	k := r.k
	k.opt.Printer = &slip.Booth{Dir: filepath.Join(r.slips, "no", "such", "folder")}
	r.tap(k.chrome.primary)
	scan := k.screens[flow.Scan].(*scanScreen)
	r.tap(scan.typeID)
	r.typeOn(scan.pad, string(formFrameID))
	r.tap(scan.typeOK)
	r.tap(k.chrome.primary)
	r.typeOn(k.screens[flow.BirthDate].(*birthScreen).pad, "19700101")
	for i := 0; i < 3; i++ {
		r.tap(k.chrome.primary)
	}
	r.showImage(1)
	r.frames(3)
	r.tap(k.chrome.primary)
	r.wait(3 * time.Second)
	r.frames(1)
	r.tap(k.chrome.primary)
	r.tap(k.chrome.primary)
	r.want(flow.Done)
	done := k.screens[flow.Done].(*doneScreen)
	if !strings.Contains(done.slip.Text, "✗") || done.receipt.Text == "" {
		t.Fatalf("done shows %q / %q", done.receipt.Text, done.slip.Text)
	}
	entries, _ := r.store.List(context.Background(), storage.Filter{})
	if len(entries) != 1 || entries[0].Slip.State != storage.SlipFailed || entries[0].State != storage.StatePending {
		t.Fatalf("queue %+v", entries)
	}
}

// The operator changes the booth's settings: they apply at once (the languages offered, the idle
// time-out) and are saved for the next start.
func TestOperatorSettingsApplyAndAreSaved(t *testing.T) {
	r := newRig(t)
	k := r.k
	var saved []Settings
	k.opt.SaveSettings = func(s Settings) error { saved = append(saved, s); return nil }
	next := k.opt.Settings
	next.Languages, next.IdleTimeout, next.BoothName = []string{"ja", "en", "vi"}, 30*time.Second, "新しい名前"
	msg := k.applySettings(next, k.operatorMsgs())
	if len(saved) != 1 || saved[0].BoothName != "新しい名前" || !strings.Contains(msg, "保存") {
		t.Fatalf("saved %+v, message %q", saved, msg)
	}
	attract := k.screens[flow.Attract].(*attractScreen)
	if len(attract.langs.buttons) != 3 || attract.langs.buttons["vi"] == nil {
		t.Fatalf("languages offered: %v", attract.langs.buttons)
	}
	if c := k.flow.Config(); c.IdleAfter != 30*time.Second || c.BoothName != "新しい名前" {
		t.Fatalf("flow configuration %+v", c)
	}
	k.send(flow.Start{})
	r.wait(31 * time.Second)
	r.want(flow.Idle)
}
