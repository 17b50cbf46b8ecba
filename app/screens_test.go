package app

import (
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
			img := k.win.Canvas().Capture()
			if colours(img) < 8 {
				t.Errorf("%s %s: the screen is blank", lang, name)
			}
			// Everything fits: the frame is no larger than the window.
			if min := k.root.Objects[0].MinSize(); min.Height > v.size.Height+1 || min.Width > v.size.Width+1 {
				t.Errorf("%s %s: the screen needs %v, the window is %v", lang, name, min, v.size)
			}
			if out != "" {
				f, err := os.Create(filepath.Join(out, lang+"-"+name+".png"))
				if err != nil {
					t.Fatal(err)
				}
				png.Encode(f, img)
				f.Close()
			}
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
