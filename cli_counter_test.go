package main

import (
	"bytes"
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/scanner/scannertest"
	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/storage"
)

// A clerk's whole counter application on the real binary (`idbooth --mode counter`) under Xvfb,
// through the keyboard contract alone (DESIGN §7): the staff ID and PIN, the 23 digits and Enter
// of a barcode reader, 8 digits for the date of birth, two digits to tick the driver's licence,
// S to scan the printed photo on SANE's pnm scanner, Enter for every primary action, P to
// reprint and Ctrl+L to sign out. The queue then holds a counter application whose counter
// record names the clerk and the verification, the slip carries the mailed-card note, and
// `idbooth audit verify` finds the chain intact.
func TestCounterApplicationByKeyboardUnderXvfb(t *testing.T) {
	if _, err := exec.LookPath("xdotool"); err != nil {
		testsupport.Missing(t, "xdotool: %v", err)
	}
	for _, kv := range scannertest.Env(t) { // SANE's pnm backend alone, in the kiosk's scanimage
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	face := labelledFaces(t, "accept")[0]
	f, err := os.Open(face)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	pnm := filepath.Join(t.TempDir(), "brought.pnm") // the print the applicant brought, on the glass
	if err := scannertest.WritePNM(pnm, img); err != nil {
		t.Fatal(err)
	}
	e := newQueueTestEnv(t)
	var out, errOut bytes.Buffer
	if code := runMainIO(context.Background(), []string{"staff", "add", "--db", e.db, "--key", e.key, "--id", "K0042",
		"--name", "窓口 花子"}, strings.NewReader("135792\n"), &out, &errOut); code != exitOK {
		t.Fatalf("idbooth staff add: exit %d %s", code, errOut.String())
	}
	camDir, slips := t.TempDir(), t.TempDir()
	data, _ := os.ReadFile(face)
	os.WriteFile(filepath.Join(camDir, "face.jpg"), data, 0o600)
	k := startKiosk(t, "--mode", "counter", "--camera", camDir, "--printer", "pdf:"+slips, "--booth", "counter-1",
		"--lang", "ja", "--db", e.db, "--key", e.key, "--scanner", "pnm:0", "--scanner-options", "--filename="+pnm)
	k.waitLog(`kiosk ready`, 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	k.screenshot("counter-sign-in")

	k.xdotool("type", "--delay", "40", "K0042")
	k.xdotool("key", "Return")
	k.xdotool("type", "--delay", "40", "135792")
	k.xdotool("key", "Return")
	k.waitLog(`clerk signed in clerk=K0042`, 10*time.Second)
	k.waitLog(`to=scan`, 5*time.Second)
	k.xdotool("type", "--delay", "5", submitFormID) // the USB barcode reader ...
	k.xdotool("key", "Return")                      // ... ends with Enter
	k.xdotool("key", "Return")                      // Enter moves on at once
	k.waitLog(`to=birth_date`, 5*time.Second)
	k.xdotool("type", "--delay", "40", "19850615")
	k.xdotool("key", "Return")
	k.waitLog(`to=identity`, 5*time.Second)
	k.xdotool("type", "--delay", "60", "02") // 02: the driver's licence
	time.Sleep(500 * time.Millisecond)
	identityShot := k.screenshot("counter-identity")
	k.xdotool("key", "Return")
	k.waitLog(`to=options`, 5*time.Second)
	k.xdotool("key", "Return")
	k.waitLog(`to=instructions`, 5*time.Second)
	k.screenshot("counter-photo-source")
	k.xdotool("type", "s") // scan the printed photo
	k.waitLog(`photo imported scanner=true ok=true`, 60*time.Second)
	k.waitLog(`to=review`, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	k.screenshot("counter-review")
	k.xdotool("key", "Return") // use this photo
	k.waitLog(`to=confirm`, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	k.screenshot("counter-confirm")
	k.xdotool("key", "Return") // register
	m := k.waitLog(`application queued receipt=(\S+) slip_printed=true`, 30*time.Second)
	receipt := m[1]
	k.waitLog(`to=done`, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	k.screenshot("counter-done")
	k.xdotool("type", "p") // reprint
	k.waitLog(`slip reprinted`, 20*time.Second)
	k.xdotool("key", "ctrl+l") // sign out
	k.waitLog(`clerk signed out clerk=K0042 why=manual`, 5*time.Second)
	k.waitLog(`to=sign_in`, 5*time.Second)
	k.stop()
	checkScreenshot(t, identityShot, "the ticked document", func(r, g, b uint32) bool {
		return r < 30 && g > 60 && g < 100 && b > 120 && b < 160 // the primary colour
	})

	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	entries, err := store.List(ctx, storage.Filter{})
	if err != nil || len(entries) != 1 || entries[0].Receipt != receipt {
		t.Fatalf("queue: %+v %v", entries, err)
	}
	a, err := store.Get(ctx, entries[0].UUID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Channel != booth.ChannelCounter || !a.CardMailed || a.FormID != submitFormID || !a.PhotoCheck.OK || a.BoothID != "counter-1" {
		t.Fatalf("queued %+v", a)
	}
	rec, err := store.CounterRecord(ctx, a.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Clerk != "K0042" || !rec.Verified() || !slices.Equal(rec.Verification.Applicant, []string{"drivers_licence"}) {
		t.Fatalf("counter record %+v", rec)
	}
	text, err := exec.Command("pdftotext", filepath.Join(slips, "slip-"+receipt+".pdf"), "-").CombinedOutput()
	if err != nil || !strings.Contains(string(text), receipt) || !strings.Contains(string(text), "本人限定受取郵便") {
		t.Fatalf("slip: %v\n%s", err, text)
	}
	auditCmd := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := runMain(ctx, append(args, "--db", e.db, "--key", e.key), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, outText, errText := auditCmd("audit", "verify")
	if code != exitOK {
		t.Fatalf("idbooth audit verify: exit %d\n%s\n%s", code, outText, errText)
	}
	code, outText, _ = auditCmd("audit", "show", "--day", time.Now().In(booth.JST).Format("2006-01-02"))
	for _, kind := range []string{"sign_in", "application", "reprint", "sign_out"} {
		if code != exitOK || !strings.Contains(outText, `"`+kind+`"`) {
			t.Errorf("the audit log lacks %s:\n%s", kind, outText)
		}
	}
}

// The mode comes from the flag, the environment or the config file like every setting; an
// unknown one is refused before anything is opened.
func TestKioskModeIsChecked(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runMain(context.Background(), []string{"kiosk", "--mode", "desk"}, &out, &errOut); code != exitUsage ||
		!strings.Contains(errOut.String(), `--mode: "desk"`) {
		t.Fatalf("--mode desk: exit %d %s", code, errOut.String())
	}
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("mode = counter-desk\n"), 0o600)
	t.Setenv("IDBOOTH_CONFIG", cfg)
	errOut.Reset()
	if code := runMain(context.Background(), []string{"kiosk"}, &out, &errOut); code != exitUsage ||
		!strings.Contains(errOut.String(), `--mode: "counter-desk"`) {
		t.Fatalf("mode in the config file: exit %d %s", code, errOut.String())
	}
}
