package app

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
)

// Every screen draws in every offered language at 1280×800 (landscape) and 800×1280 (portrait):
// a picture of each is written to IDBOOTH_SCREENSHOTS when set (to look at), and each must
// show more than a blank page.
func TestEveryScreenInEveryLanguage(t *testing.T) {
	out := os.Getenv("IDBOOTH_SCREENSHOTS")
	type view struct {
		lang string
		size fyne.Size
		look look
	}
	var views []view
	for _, l := range assets.Offered {
		views = append(views, view{l, fyne.NewSize(1280, 800), look{}})
	}
	views = append(views, view{"ja", fyne.NewSize(800, 1280), look{}}, view{"en", fyne.NewSize(1080, 1920), look{}},
		view{"ja", fyne.NewSize(720, 1280), look{}})
	// High contrast and large type: every screen must still fit at 1280×800.
	for _, l := range []string{"ja", "en", "vi"} {
		views = append(views, view{l, fyne.NewSize(1280, 800), look{contrast: true, large: true}})
	}
	for _, v := range views {
		lang := v.lang
		r := newRig(t)
		k := r.k
		k.win.Resize(v.size)
		k.setScale(v.size)
		k.opt.Settings.HighContrast, k.opt.Settings.LargeType = v.look.contrast, v.look.large // the booth's default
		k.setLook(v.look)
		if v.size.Height > v.size.Width {
			lang += "-portrait"
		}
		if v.look.contrast {
			lang += "-contrast-large"
		}
		shot := func(name string) {
			t.Helper()
			checkScreen(t, k, v.size, out, lang+"-"+name)
		}
		k.send(flow.SetLang{Lang: v.lang})
		shot("01-attract")
		r.tap(k.chrome.primary)
		r.showImage(0)
		r.frames(1)
		shot("02-scan")
		r.wait(2 * time.Second)
		birth := k.screens[flow.BirthDate].(*birthScreen)
		r.tap(birth.calendars[booth.Showa])
		r.typeOn(birth.pad, "600615")
		shot("03-birth")
		r.tap(k.chrome.primary)
		shot("04-options")
		r.tap(k.chrome.primary)
		shot("05-instructions")
		r.tap(k.chrome.primary)
		r.showImage(1)
		r.frames(5)
		shot("06-live")
		r.tap(k.chrome.primary)
		r.wait(time.Second)
		shot("07-countdown")
		r.wait(2 * time.Second)
		r.frames(1)
		shot("08-review")
		r.tap(k.chrome.primary)
		shot("09-confirm")
		r.tap(k.chrome.primary)
		shot("10-done")
		r.tap(k.chrome.primary)
		k.send(flow.Start{Lang: v.lang}) // the next resident, in the same language
		r.wait(61 * time.Second)
		shot("11-idle")
		r.wait(20 * time.Second)
		k.send(flow.Failure{Err: os.ErrClosed})
		shot("12-ask-staff")
	}
}

// Every counter screen draws in the clerk's languages (Japanese and English) at the counter's
// screen sizes, landscape and portrait, and fits the window.
func TestEveryCounterScreen(t *testing.T) {
	out := os.Getenv("IDBOOTH_SCREENSHOTS")
	for _, v := range []struct {
		lang string
		size fyne.Size
	}{{"ja", fyne.NewSize(1280, 800)}, {"en", fyne.NewSize(1280, 800)}, {"ja", fyne.NewSize(1920, 1080)},
		{"en", fyne.NewSize(1920, 1080)}, {"ja", fyne.NewSize(800, 1280)}} {
		r := newCounterRig(t, v.lang)
		k := r.k
		k.win.Resize(v.size)
		k.setScale(v.size)
		name := fmt.Sprintf("counter-%s-%dx%d", v.lang, int(v.size.Width), int(v.size.Height))
		shot := func(screen string) {
			t.Helper()
			checkScreen(t, k, v.size, out, name+"-"+screen)
		}
		r.keys(clerkID)
		r.key(fyne.KeyReturn)
		r.keys("99")
		shot("01-sign-in")
		r.keys("9999")
		r.key(fyne.KeyReturn)
		shot("02-sign-in-refused")
		r.keys(clerkPIN)
		r.key(fyne.KeyReturn)
		r.keys(string(formFrameID))
		r.key(fyne.KeyReturn)
		shot("03-scan")
		r.key(fyne.KeyReturn)
		r.keys("20120303")
		r.key(fyne.KeyReturn)
		shot("04-identity-child-alone")
		r.keys("05w") // a residence card; with the representative
		r.keys("r02") // whose driver's licence
		shot("05-identity-representative")
		r.keys("r")
		r.key(fyne.KeyBackspace)
		k.send(flow.SetAttendance{Attendance: identity.InPerson})
		k.send(flow.Back{})
		for range 8 {
			r.key(fyne.KeyBackspace)
		}
		r.keys("19850615")
		r.key(fyne.KeyReturn)
		shot("06-identity-verified")
		r.key(fyne.KeyReturn)
		r.key(fyne.KeyReturn)
		shot("07-photo-source")
		r.keys("f")
		shot("08-review-imported")
		r.keys("o")
		shot("09-override-reason")
		r.keys("1")
		shot("10-confirm")
		r.key(fyne.KeyReturn)
		shot("11-done")
		r.keys("p")
		shot("12-done-reprinted")
		r.key(fyne.KeyReturn)
		r.wait(61 * time.Second)
		shot("13-idle")
	}
}

// checkScreen checks the screen shown: not blank, and everything fits (the frame is no larger
// than the window); with out set, its picture is written there as name.png.
func checkScreen(t *testing.T, k *kiosk, size fyne.Size, out, name string) {
	t.Helper()
	img := k.win.Canvas().Capture()
	if colours(img) < 8 {
		t.Errorf("%s: the screen is blank", name)
	}
	if min := k.root.Objects[0].MinSize(); min.Height > size.Height+1 || min.Width > size.Width+1 {
		t.Errorf("%s: the screen needs %v, the window is %v", name, min, size)
	}
	if out != "" {
		f, err := os.Create(filepath.Join(out, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, img)
		f.Close()
	}
}

// colours counts the distinct colours of a sample of img's pixels.
func colours(img image.Image) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[r>>12<<8|g>>12<<4|bl>>12] = true
		}
	}
	return len(seen)
}
