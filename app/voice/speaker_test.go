package voice_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/app/voice"
)

// recorder is a Player that records what it was given, playing each sound for its length on the
// test's clock (instantly in real time).
type recorder struct {
	mu     sync.Mutex
	now    func() time.Time
	played []played
	err    error
}

type played struct {
	at       time.Time
	duration float64
	rms      float64
}

func (r *recorder) Play(ctx context.Context, s *voice.Sound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.played = append(r.played, played{r.now(), s.Duration(), s.RMS()})
	return r.err
}

func (r *recorder) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.played) }

// waitIdle waits until the speaker has said all it had to.
func waitIdle(t *testing.T, rec *recorder, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for rec.count() < want {
		if time.Now().After(deadline) {
			t.Fatalf("%d sounds played, want %d", rec.count(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
}

// The live hint flickers between two values (a person at the edge of "come closer"): it is
// spoken at most once every 3 s, and when the flicker stops the settled hint is said.
func TestHintAtMostEveryThreeSeconds(t *testing.T) {
	need(t, "espeak-ng")
	clock := time.Unix(0, 0)
	now := func() time.Time { return clock }
	rec := &recorder{now: now}
	sp := voice.NewSpeaker(newSynth(t, ""), rec, true, voice.MaxVolume)
	sp.Now = now
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sp.Run(ctx)

	hints := []string{"Please come closer", "Please move back a little"}
	for frame := 0; frame < 150; frame++ { // 12 s at 12.5 hints a second, flickering every frame
		sp.Hint("en", hints[frame%2])
		for deadline := time.Now().Add(5 * time.Second); sp.Busy() && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond) // what is said is said before the next frame, as in real time
		}
		clock = clock.Add(80 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.played) == 0 {
		t.Fatal("no hint was spoken")
	}
	for i := 1; i < len(rec.played); i++ {
		if gap := rec.played[i].at.Sub(rec.played[i-1].at); gap < voice.HintInterval {
			t.Fatalf("hints spoken %v apart", gap)
		}
	}
	if max := int(12*time.Second/voice.HintInterval) + 1; len(rec.played) > max {
		t.Fatalf("%d hints in 12 s", len(rec.played))
	}
	t.Logf("%d hints spoken over 12 s of a flickering hint", len(rec.played))
}

// A new screen interrupts what is being said; speech off leaves the cues; volume 0 is silent; a
// missing sound device is a warning, once, not a crash.
func TestAnnounceCuesVolumeAndNoDevice(t *testing.T) {
	need(t, "espeak-ng", "aplay")
	rec := &recorder{now: time.Now}
	sp := voice.NewSpeaker(newSynth(t, ""), rec, true, voice.MaxVolume)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sp.Run(ctx)
	cue := voice.Accepted
	sp.Announce("en", &cue, "You can use this photo", "Use this photo")
	waitIdle(t, rec, 3)
	if rec.played[0].duration > 1 || rec.played[0].rms < 0.1 || rec.played[1].duration < 0.5 {
		t.Fatalf("played %+v", rec.played)
	}
	sp.SetEnabled(false)
	shutter := voice.Shutter
	sp.Announce("en", &shutter, "This is not said")
	waitIdle(t, rec, 4)
	sp.SetVolume(0)
	sp.Announce("en", &cue)
	time.Sleep(100 * time.Millisecond)
	if rec.count() != 4 {
		t.Fatalf("%d sounds: speech off or volume 0 still played", rec.count())
	}
	// The three cues differ in length and pitch, not only in colour on screen.
	a, b, c := voice.Shutter, voice.Accepted, voice.Retake
	if d := [3]float64{soundOf(a).Duration(), soundOf(b).Duration(), soundOf(c).Duration()}; d[0] >= d[1] || d[1] >= d[2] {
		t.Fatalf("cue lengths %v", d)
	}

	var logs bytes.Buffer
	noDevice := voice.NewSpeaker(newSynth(t, ""), voice.APlay{Device: "no-such-device"}, true, voice.MaxVolume)
	noDevice.Log = slog.New(slog.NewTextHandler(&logs, nil))
	go noDevice.Run(ctx)
	noDevice.Announce("en", &cue, "One", "Two")
	time.Sleep(2 * time.Second)
	if n := strings.Count(logs.String(), "no sound"); n != 1 {
		t.Fatalf("%d warnings for a missing device:\n%s", n, logs.String())
	}
}

func soundOf(c voice.Cue) *voice.Sound { return voice.CueSound(c) }
