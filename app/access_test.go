package app

import (
	"context"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/app/voice"
	"github.com/idbooth/idbooth/internal/testsupport"
)

// soundRecorder is a voice.Player that keeps what the kiosk played.
type soundRecorder struct {
	mu     sync.Mutex
	sounds []*voice.Sound
}

func (s *soundRecorder) Play(_ context.Context, snd *voice.Sound) error {
	s.mu.Lock()
	s.sounds = append(s.sounds, snd)
	s.mu.Unlock()
	return nil
}

// take returns what was played since the last take, once the speaker is quiet.
func (s *soundRecorder) take(t *testing.T, k *kiosk) []*voice.Sound {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); k.speaker.Busy(); {
		if time.Now().After(deadline) {
			t.Fatal("the speaker did not finish")
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sounds
	s.sounds = nil
	return out
}

// isCue reports whether snd is cue c (at any volume).
func isCue(snd *voice.Sound, c voice.Cue) bool {
	return len(snd.Samples) == len(voice.CueSound(c).Samples) && snd.Rate == voice.CueSound(c).Rate
}

// The screens speak to a resident who wants them to: each screen once as it comes, the countdown,
// the shutter and the verdict with distinct sounds; the voice, volume, contrast and large type
// are at hand on every screen and go back to the booth's defaults for the next resident.
func TestSpokenGuidanceAndAccessibleLook(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		testsupport.Missing(t, "espeak-ng: %v", err)
	}
	r := newRig(t)
	k := r.k
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go k.speaker.Run(ctx)
	bar := k.chrome.access
	attract := k.screens[flow.Attract].(*attractScreen)

	r.tap(attract.langs.buttons["en"])
	if got := r.sounds.take(t, k); len(got) != 0 {
		t.Fatalf("the booth spoke with the voice off: %d sounds", len(got))
	}
	r.tap(bar.voice) // on: the start screen is read out
	if got := r.sounds.take(t, k); len(got) < 2 || got[0].RMS() < 0.02 {
		t.Fatalf("voice on, %d sounds", len(got))
	}
	r.tap(bar.up)
	r.sounds.take(t, k)
	if k.speaker.Volume() != 4 {
		t.Fatalf("volume %d", k.speaker.Volume())
	}
	r.tap(bar.contrast)
	r.tap(bar.large)
	if pal != &contrastPalette || !k.look.large || k.size(sizeBody) <= sizes1080[sizeBody]*k.scale {
		t.Fatal("high contrast or large type not applied")
	}
	r.tap(k.chrome.primary) // Start
	if got := r.sounds.take(t, k); len(got) != 2 {
		t.Fatalf("the scan screen: %d sounds, want its prompt and where the code is", len(got))
	}
	scan := k.screens[flow.Scan].(*scanScreen)
	r.tap(scan.typeID)
	r.typeOn(scan.pad, string(formFrameID))
	r.tap(scan.typeOK)
	r.tap(k.chrome.primary)
	r.typeOn(k.screens[flow.BirthDate].(*birthScreen).pad, "19700101")
	for i := 0; i < 3; i++ {
		r.tap(k.chrome.primary)
	}
	r.want(flow.Live)
	r.sounds.take(t, k)
	r.showImage(1)
	r.frames(6) // live hints: said once, not every frame
	if got := r.sounds.take(t, k); len(got) > 1 {
		t.Fatalf("%d hints in a quarter second", len(got))
	}
	r.tap(k.chrome.primary) // 3-2-1, each said
	counted := 0
	for i := 0; i < 3; i++ {
		counted += len(r.sounds.take(t, k))
		r.wait(time.Second)
	}
	if counted != 3 {
		t.Fatalf("the countdown made %d sounds, want 3", counted)
	}
	r.want(flow.Checking)
	shutter := r.sounds.take(t, k)
	if len(shutter) == 0 || !isCue(shutter[0], voice.Shutter) {
		t.Fatal("no shutter sound")
	}
	r.frames(1)
	r.want(flow.Review)
	verdict := r.sounds.take(t, k)
	if len(verdict) == 0 || !isCue(verdict[0], voice.Accepted) {
		t.Fatal("no 'accepted' sound for an accepted photo")
	}
	st := k.speaker.Synth.Stats()
	t.Logf("one session, cold cache: %d texts synthesised in %v (%.0f ms each), %d cache hits (%.0f%%)", st.Misses,
		st.SynthTime.Round(time.Millisecond), float64(st.SynthTime.Milliseconds())/float64(max(1, st.Misses)), st.Hits,
		100*float64(st.Hits)/float64(max(1, st.Hits+st.Misses)))
	// The next resident gets the booth's defaults.
	k.send(flow.EndSession{})
	if k.speaker.Enabled() || k.speaker.Volume() != k.opt.Settings.Volume || pal != &lightPalette || k.look.large {
		t.Fatal("accessibility settings outlived the session")
	}
}

// walk takes one resident through the whole application by touch, waiting for the speaker
// after each screen as a resident listening would.
func (r *rig) walk(t *testing.T) {
	k := r.k
	listen := func() {
		for deadline := time.Now().Add(20 * time.Second); k.speaker.Busy() && time.Now().Before(deadline); {
			time.Sleep(2 * time.Millisecond)
		}
	}
	r.tap(k.chrome.primary)
	listen()
	scan := k.screens[flow.Scan].(*scanScreen)
	r.tap(scan.typeID)
	r.typeOn(scan.pad, string(formFrameID))
	r.tap(scan.typeOK)
	r.tap(k.chrome.primary)
	listen()
	r.typeOn(k.screens[flow.BirthDate].(*birthScreen).pad, "19700101")
	for i := 0; i < 3; i++ {
		r.tap(k.chrome.primary)
		listen()
	}
	r.showImage(1)
	for i := 0; i < 40; i++ { // three seconds of live hints
		r.frames(2)
		r.wait(80 * time.Millisecond)
		listen()
	}
	r.tap(k.chrome.primary)
	for i := 0; i < 3; i++ {
		listen()
		r.wait(time.Second)
	}
	r.frames(1)
	listen()
	r.want(flow.Review)
	r.tap(k.chrome.primary)
	listen()
	r.tap(k.chrome.primary)
	listen()
	r.want(flow.Done)
	r.tap(k.chrome.primary)
}

// The speech cache over sessions: what one resident heard is ready for the next.
func TestSpeechCacheOverSessions(t *testing.T) {
	if _, err := exec.LookPath("open_jtalk"); err != nil {
		testsupport.Missing(t, "open_jtalk: %v", err)
	}
	r := newRig(t)
	k := r.k
	k.opt.Settings.Voice = true
	k.speaker.SetEnabled(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go k.speaker.Run(ctx)
	for s := 1; s <= 2; s++ {
		before := k.speaker.Synth.Stats()
		r.walk(t)
		st := k.speaker.Synth.Stats()
		misses, hits := st.Misses-before.Misses, st.Hits-before.Hits
		t.Logf("session %d (Japanese): %d texts synthesised (%.0f ms each), %d from the cache: %.0f%% hits", s, misses,
			float64((st.SynthTime-before.SynthTime).Milliseconds())/float64(max(1, misses)), hits,
			100*float64(hits)/float64(max(1, hits+misses)))
		// The live hints depend on which frames the guide happened to judge, so a hint may be
		// new in the second session; everything else was heard in the first.
		if s == 2 && float64(hits) < 0.9*float64(hits+misses) {
			t.Errorf("the second session synthesised %d of %d texts again", misses, hits+misses)
		}
	}
}
