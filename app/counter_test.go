package app

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
)

const (
	clerkID   = "K0042"
	clerkName = "窓口 花子"
	clerkPIN  = "135792"
)

// counterRig is the rig in counter mode, with one clerk in the staff directory of the queue's
// database and an import folder holding a photo the checker refuses (a printed photo the
// applicant brought).
type counterRig struct {
	*rig
	importDir string
}

func newCounterRig(t *testing.T, lang string) *counterRig {
	t.Helper()
	importDir := t.TempDir()
	copyFile(t, labelledFace(t, "reject", func(r *photo.Result) bool {
		// Refused for the background, with a crop the clerk can accept.
		return !r.OK && len(r.JPEG) > 0 && len(r.Problems) > 0 && r.Problems[0].Code == "background_not_plain"
	}), filepath.Join(importDir, "scan-0001.jpg"))
	r := newRig(t, func(r *rig, o *Options) {
		if err := staff.NewDirectory(r.store, nil).Add(context.Background(), clerkID, clerkName, clerkPIN); err != nil {
			t.Fatal(err)
		}
		o.Counter = NewCounter(r.store, nil, nil, importDir)
		o.Settings.Lang = lang
	})
	return &counterRig{rig: r, importDir: importDir}
}

// keys types text on the window's keyboard, as a USB keyboard or barcode reader does.
func (r *rig) keys(s string) {
	for _, c := range s {
		r.k.typedRune(c)
	}
}

func (r *rig) key(name fyne.KeyName) { r.k.typedKey(&fyne.KeyEvent{Name: name}) }

// A clerk takes a whole counter application from the keyboard alone: signs in, reads the form
// with the USB reader (23 digits and Enter), types the date of birth, ticks the driver's licence
// (identity verified: the card is mailed), imports the applicant's printed photo from the import
// folder, accepts it over the check with a reason, and registers it. The queue then holds a
// counter application that names the clerk and records the verification, the slip carries the
// mailed-card note, and the audit log has the sign-in, the application, the override, the
// reprint and the sign-out.
func TestCounterApplicationByKeyboard(t *testing.T) {
	r := newCounterRig(t, "en")
	k := r.k
	r.want(flow.SignIn)
	r.keys(clerkID)
	r.key(fyne.KeyReturn)
	r.keys("999999")
	r.key(fyne.KeyReturn)
	signIn := k.screens[flow.SignIn].(*signInScreen)
	if r.want(flow.SignIn); !strings.Contains(signIn.err.Text, "wrong") {
		t.Fatalf("a wrong PIN shows %q", signIn.err.Text)
	}
	r.keys(clerkPIN)
	r.key(fyne.KeyReturn)
	r.want(flow.Scan)
	if !strings.Contains(k.chrome.lang.Text, clerkName) {
		t.Fatalf("the header names %q", k.chrome.lang.Text)
	}

	r.keys(string(formFrameID)) // the USB barcode reader types the ID ...
	r.key(fyne.KeyReturn)       // ... and Enter
	if k.flow.ScanPhase() != flow.ScanRead {
		t.Fatalf("the reader's ID was not taken: %v", k.flow.ScanErr())
	}
	r.key(fyne.KeyReturn) // Enter moves on at once
	r.want(flow.BirthDate)
	r.keys("19850615")
	r.key(fyne.KeyReturn)
	r.want(flow.Identity)

	id := k.screens[flow.Identity].(*identityScreen)
	if !strings.Contains(id.verdict.Text, "not verified") || !strings.Contains(id.missing.Text, "list A") {
		t.Fatalf("nothing ticked: %q / %q", id.verdict.Text, id.missing.Text)
	}
	n := slices.IndexFunc(id.entries, func(e docEntry) bool { return e.seen.Doc == "drivers_licence" }) + 1
	if !strings.HasPrefix(id.boxes[n-1].Text, twoDigits(n)+"  運転免許証 · Driver's licence") {
		t.Fatalf("the driver's licence is shown as %q", id.boxes[n-1].Text)
	}
	r.keys(twoDigits(n))
	if !id.boxes[n-1].Selected || !strings.Contains(id.verdict.Text, "verified. The card will be mailed") {
		t.Fatalf("after the licence: %q", id.verdict.Text)
	}
	r.key(fyne.KeyReturn)
	r.want(flow.Options)
	r.key(fyne.KeyReturn)
	r.want(flow.Instructions)

	r.keys("f") // the newest image in the import folder
	r.want(flow.Review)
	review := k.screens[flow.Review].(*reviewScreen)
	if k.flow.Session().Photo.OK || !review.callStaff.Visible() || review.callStaff.Disabled {
		t.Fatalf("the imported photo: %v, override offered %v", k.flow.Session().Photo.Codes(), review.callStaff.Visible())
	}
	r.keys("o")
	r.want(flow.StaffReason)
	r.keys("1")
	r.want(flow.Confirm)
	confirm := k.screens[flow.Confirm].(*confirmScreen)
	if !strings.Contains(confirm.identity.Text, "card mailed") || confirm.clerk.Text != clerkName ||
		!strings.Contains(confirm.staffPhoto.Text, "printed photo") {
		t.Fatalf("confirm shows %q / %q / %q", confirm.identity.Text, confirm.clerk.Text, confirm.staffPhoto.Text)
	}
	r.keys("l") // the slip in Japanese and the next language offered (English is the clerk's)
	if k.flow.Session().SlipLang != "zh-hans" || confirm.slipLang.Text != "zh-hans" {
		t.Fatalf("slip language %q, shown %q", k.flow.Session().SlipLang, confirm.slipLang.Text)
	}
	r.key(fyne.KeyReturn)
	r.want(flow.Done)

	ctx := context.Background()
	entries, err := r.store.List(ctx, storage.Filter{})
	if err != nil || len(entries) != 1 {
		t.Fatalf("queue: %v %v", entries, err)
	}
	uuid := entries[0].UUID
	a, err := r.store.Get(ctx, uuid)
	if err != nil {
		t.Fatal(err)
	}
	if a.Channel != booth.ChannelCounter || !a.CardMailed || a.FormID != formFrameID || a.PhotoCheck.OK ||
		a.PhotoCheck.OverrideReason != booth.CounterOverrideReasons[0] || a.BirthDate != (booth.Date{Year: 1985, Month: 6, Day: 15}) ||
		a.Lang != "zh-hans" {
		t.Fatalf("queued %+v", a)
	}
	rec, err := r.store.CounterRecord(ctx, uuid)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Clerk != clerkID || !rec.Verified() || !slices.Equal(rec.Verification.Applicant, []string{"drivers_licence"}) ||
		rec.Verification.Combination != "one_a" || rec.Verification.Attendance != identity.InPerson {
		t.Fatalf("counter record %+v", rec)
	}
	done := k.screens[flow.Done].(*doneScreen)
	if !strings.Contains(done.card.Text, "mailed") {
		t.Fatalf("done says %q", done.card.Text)
	}
	slipFile := filepath.Join(r.slips, "slip-"+entries[0].Receipt+".pdf")
	text := pdfText(t, slipFile)
	for _, want := range []string{entries[0].Receipt, "本人限定受取郵便", string([]rune(assets.Messages("zh-hans").T("slip.next.mailed"))[:6]), "窓口"} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip lacks %q:\n%s", want, text)
		}
	}
	r.keys("p") // reprint
	if !strings.Contains(done.sheet.Text, "Reprinted (1)") {
		t.Fatalf("reprint shows %q", done.sheet.Text)
	}
	r.key(fyne.KeyReturn) // the next application
	r.want(flow.Scan)
	if k.flow.Session().FormID != "" || k.flow.Clerk() == nil {
		t.Fatal("the next application")
	}
	r.tap(k.chrome.lang) // the header's sign-out
	r.want(flow.SignIn)

	log, err := r.store.AuditEntries(ctx, time.Time{}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range log {
		kinds = append(kinds, string(e.Kind)+":"+e.Clerk)
	}
	want := []string{"staff_added:", "sign_in_refused:" + clerkID, "sign_in:" + clerkID, "application:" + clerkID,
		"override:" + clerkID, "reprint:" + clerkID, "sign_out:" + clerkID}
	if !slices.Equal(kinds, want) {
		t.Fatalf("audit log %v\nwant %v", kinds, want)
	}
	for _, e := range log {
		if e.Kind == audit.Application && e.Detail != "verified" || e.Kind == audit.SignOut && e.Detail != flow.SignOutManual {
			t.Errorf("audit entry %+v", e.Event)
		}
	}
}

// Every name the counter's screens look up exists in Japanese and English: each document (and
// both issues of the certificate of driving history), list, combination, refusal, attendance
// and override reason.
func TestCounterTextsInJapaneseAndEnglish(t *testing.T) {
	var keys []string
	for _, e := range docEntries() {
		keys = append(keys, e.key, "counter.class."+string(e.class))
	}
	for _, c := range identity.Combinations {
		keys = append(keys, "counter.combination."+c.ID)
	}
	for _, a := range attendances {
		keys = append(keys, "counter.attendance."+string(a))
	}
	for _, c := range booth.CounterOverrideReasons {
		keys = append(keys, "counter.override."+c)
	}
	keys = append(keys, "counter.refusal."+identity.RefusalProxy, "counter.refusal."+identity.RefusalNeedsRep,
		"counter.need.A", "counter.need.B", "counter.need.notice", "counter.need.authority",
		staff.ErrWrongPIN.MessageKey(), staff.ErrLocked.MessageKey())
	for _, l := range []string{"ja", "en"} {
		for _, key := range keys {
			if !assets.Messages(l).Has(key) {
				t.Errorf("%s lacks %s", l, key)
			}
		}
	}
	if n := len(docEntries()); n != len(identity.Documents)+1 {
		t.Errorf("%d checkboxes for %d documents (one has two issues)", n, len(identity.Documents))
	}
}

// Five wrong PINs lock the staff ID, and the clerk reads so; a clerk who leaves the counter is
// signed out after the idle question, with the application under way wiped, and the audit log
// says why.
func TestCounterLockoutAndIdleSignOut(t *testing.T) {
	r := newCounterRig(t, "ja")
	k := r.k
	signIn := k.screens[flow.SignIn].(*signInScreen)
	r.keys(clerkID)
	r.key(fyne.KeyReturn)
	for range staff.MaxTries {
		r.keys("999999")
		r.key(fyne.KeyReturn)
	}
	if !strings.Contains(signIn.err.Text, "しばらく使えません") {
		t.Fatalf("after %d wrong PINs: %q", staff.MaxTries, signIn.err.Text)
	}
	r.keys(clerkPIN) // even the right PIN, while locked
	r.key(fyne.KeyReturn)
	r.want(flow.SignIn)
	if err := staff.NewDirectory(r.store, nil).Enable(context.Background(), clerkID); err != nil { // a supervisor ends the lock
		t.Fatal(err)
	}
	r.keys(clerkPIN)
	r.key(fyne.KeyReturn)
	r.want(flow.Scan)
	r.keys(string(formFrameID))
	r.key(fyne.KeyReturn)
	r.key(fyne.KeyReturn)
	r.want(flow.BirthDate)
	r.wait(60 * time.Second)
	r.want(flow.Idle)
	if !strings.Contains(k.idle.body.Text, "サインアウト") {
		t.Fatalf("the idle question says %q", k.idle.body.Text)
	}
	r.wait(20 * time.Second)
	r.want(flow.SignIn)
	if k.flow.Clerk() != nil || k.flow.Session().FormID != "" || k.screens[flow.Scan].(*scanScreen).masked.Text != "" {
		t.Fatal("the clerk or the application outlived the idle sign-out")
	}
	log, err := r.store.AuditEntries(context.Background(), time.Time{}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Kind != audit.SignOut || last.Clerk != clerkID || last.Detail != flow.SignOutIdle {
		t.Fatalf("the last audit entry is %+v", last.Event)
	}
}
