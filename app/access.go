package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/app/voice"
	"github.com/idbooth/idbooth/assets"
)

// Accessibility: spoken guidance in the resident's language, with its volume, and a high-contrast,
// large-type look, all at hand on every resident screen. Each session starts with the booth's
// defaults (Settings).

func newSpeaker(opt Options) *voice.Speaker {
	synth := &voice.Synthesizer{CacheDir: opt.SpeechCache}
	dir := opt.SpeechCache
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "idbooth-voice")
	}
	if path, err := voice.WriteVoiceFile(dir, "mei_normal.htsvoice", assets.JTalkVoice); err == nil {
		synth.JTalkVoice = path
	} else {
		opt.Log.Warn("voice: Japanese voice not installed: Japanese is shown, not spoken", "err", err)
	}
	player := opt.Player
	if player == nil {
		player = voice.APlay{}
	}
	sp := voice.NewSpeaker(synth, player, opt.Settings.Voice, opt.Settings.Volume)
	sp.Now, sp.Log = opt.Now, opt.Log
	return sp
}

// accessBar is the row of accessibility controls between Back and the primary action.
type accessBar struct {
	content                          *fyne.Container
	voice, down, up, contrast, large *tapButton
}

func newAccessBar(k *kiosk) *accessBar {
	a := &accessBar{}
	a.voice = newTapButton("", false, func() {
		k.speaker.SetEnabled(!k.speaker.Enabled())
		k.activity()
		k.announce(k.flow.State(), true)
	})
	a.down = newTapButton("", false, func() { k.speaker.SetVolume(k.speaker.Volume() - 1); k.activity(); k.beep() })
	a.up = newTapButton("", false, func() { k.speaker.SetVolume(k.speaker.Volume() + 1); k.activity(); k.beep() })
	a.contrast = newTapButton("", false, func() { l := k.look; l.contrast = !l.contrast; k.setLook(l); k.activity() })
	a.large = newTapButton("", false, func() { l := k.look; l.large = !l.large; k.setLook(l); k.activity() })
	// The volume buttons are icons: their names are for the record, "−" and the level show.
	a.voice.Icon, a.down.Icon, a.up.Icon = theme.VolumeUpIcon(), theme.VolumeDownIcon(), theme.VolumeUpIcon()
	a.contrast.Icon, a.large.Icon = theme.ColorPaletteIcon(), theme.ZoomInIcon()
	for _, b := range []*tapButton{a.down, a.up} {
		b.MinWidth = 110
	}
	for _, b := range []*tapButton{a.voice, a.contrast, a.large} {
		b.MinWidth = 200
	}
	a.content = container.NewHBox(a.voice, a.down, a.up, a.contrast, a.large)
	return a
}

func (a *accessBar) render(k *kiosk, resident bool) {
	if !resident {
		a.content.Hide()
		return
	}
	a.content.Show()
	m := k.msgs
	on := k.speaker.Enabled()
	key := "ui.a11y.voice_off"
	a.voice.Icon = theme.VolumeMuteIcon()
	if on {
		key, a.voice.Icon = "ui.a11y.voice_on", theme.VolumeUpIcon()
	}
	a.voice.Selected = on
	a.voice.set(m.T(key), true)
	a.down.set("", k.speaker.Volume() > 0)
	a.up.set(strconv.Itoa(k.speaker.Volume()), k.speaker.Volume() < voice.MaxVolume)
	a.contrast.Selected, a.large.Selected = k.look.contrast, k.look.large
	a.contrast.set(m.T("ui.a11y.contrast"), true)
	a.large.set(m.T("ui.a11y.large"), true)
	for _, b := range []*tapButton{a.voice, a.down, a.up, a.contrast, a.large} {
		b.Refresh()
	}
}

// activity tells the flow someone is there (a touch on the accessibility controls).
func (k *kiosk) activity() { k.send(flow.Activity{}); k.refreshScreen() }

// beep plays the shutter at the new volume, so the resident hears how loud it now is.
func (k *kiosk) beep() {
	c := voice.Shutter
	k.speaker.Announce(k.lang, &c)
}

// announcement names what was last announced: a screen in a language, and the countdown's
// number, so that each is said once.
func (k *kiosk) announcement() string {
	return fmt.Sprintf("%s/%s/%d", k.flow.State(), k.lang, k.flow.Countdown())
}

// announce says what a resident screen is about, in the resident's language; the live hint, the
// countdown and the verdict on a photo are spoken as they come. The start screen speaks only when
// asked (a language chosen, the voice turned on): nobody may be there.
func (k *kiosk) announce(state flow.State, asked bool) {
	k.announced = k.announcement()
	m, f := k.msgs, k.flow
	say := func(cue *voice.Cue, keys ...string) {
		var texts []string
		for _, key := range keys {
			texts = append(texts, m.T(key))
		}
		k.speaker.Announce(k.lang, cue, texts...)
	}
	switch state {
	case flow.Attract:
		if asked {
			say(nil, "ui.attract.heading", "ui.attract.choose_language")
		} else {
			k.speaker.Stop()
		}
	case flow.Scan:
		say(nil, "ui.scan.prompt", "ui.scan.where")
	case flow.BirthDate:
		say(nil, "ui.birth.heading", "ui.birth.example.western")
	case flow.Options:
		say(nil, "ui.options.ecert", "ui.options.ecert.help", "ui.options.braille")
	case flow.Instructions:
		say(nil, append([]string{"ui.instructions.heading"}, instructionKeys...)...)
	case flow.Live:
		say(nil, "ui.live.heading")
	case flow.Countdown:
		k.speaker.Announce(k.lang, nil, strconv.Itoa(f.Countdown()))
	case flow.Checking:
		c := voice.Shutter
		say(&c, "ui.live.checking")
	case flow.Review:
		p := f.Session().Photo
		if p != nil && p.OK {
			c := voice.Accepted
			say(&c, "ui.review.ok", "ui.review.use")
			return
		}
		c := voice.Retake
		texts := []string{m.T("ui.review.bad")}
		if p != nil && len(p.Problems) > 0 {
			texts = append(texts, m.T(p.Problems[0].Key, p.Problems[0].Args...))
		}
		k.speaker.Announce(k.lang, &c, texts...)
	case flow.Confirm:
		say(nil, "ui.confirm.heading", "ui.confirm.consent")
	case flow.Sending:
		say(nil, "ui.sending")
	case flow.Done:
		if r := f.Session().Result; r != nil && r.SlipErr != nil {
			say(nil, "ui.done.heading", "ui.done.slip_failed")
		} else {
			say(nil, "ui.done.heading", "ui.done.take_slip", "ui.done.card")
		}
	case flow.AskStaff:
		say(nil, "ui.ask_staff.heading", "ui.ask_staff.body")
	case flow.Idle:
		say(nil, "ui.idle.heading", "ui.idle.continue")
	default:
		k.speaker.Stop() // staff and operator screens are not spoken
	}
}

// resetAccess gives the next resident the booth's defaults.
func (k *kiosk) resetAccess() {
	s := k.opt.Settings
	k.speaker.Stop()
	k.speaker.SetEnabled(s.Voice)
	k.speaker.SetVolume(s.Volume)
	if l := (look{contrast: s.HighContrast, large: s.LargeType}); l != k.look {
		k.look = l
		k.applyTheme() // drawn by the refresh that follows the event
	}
}
