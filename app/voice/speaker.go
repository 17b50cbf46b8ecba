package voice

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// HintInterval: the live hint is spoken at most this often, however often it changes.
const HintInterval = 3 * time.Second

// MaxVolume is the loudest of the resident's volume steps (0 is silent).
const MaxVolume = 5

// Speaker speaks the guidance one utterance at a time, never two over each other. A new screen's
// announcement interrupts what is being said; a live hint waits its turn and is dropped if
// speaking would overlap. Run it on its own goroutine.
type Speaker struct {
	Synth  *Synthesizer
	Player Player
	// Now is the clock of the hint's rate (default time.Now); tests inject their own.
	Now func() time.Time
	Log *slog.Logger

	mu       sync.Mutex
	enabled  bool // speech (the cues follow the volume alone)
	volume   int
	queue    []utterance
	playing  bool
	cancel   context.CancelFunc
	wake     chan struct{}
	hintSaid string    // the last hint spoken
	hintAt   time.Time // when
	hintNow  string    // the hint on screen, to say when its turn comes
	warned   bool      // the missing sound device was reported
	started  bool
}

type utterance struct {
	lang, text string
	cue        *Cue
}

// NewSpeaker makes a speaker, speaking or not, at volume (0–MaxVolume).
func NewSpeaker(synth *Synthesizer, player Player, enabled bool, volume int) *Speaker {
	return &Speaker{Synth: synth, Player: player, enabled: enabled, volume: clampVolume(volume), wake: make(chan struct{}, 1)}
}

func clampVolume(v int) int { return max(0, min(MaxVolume, v)) }

func (s *Speaker) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Speaker) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Enabled and Volume are the resident's settings.
func (s *Speaker) Enabled() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.enabled }
func (s *Speaker) Volume() int   { s.mu.Lock(); defer s.mu.Unlock(); return s.volume }

// SetEnabled turns speech on or off; off also stops what is being said.
func (s *Speaker) SetEnabled(on bool) {
	s.mu.Lock()
	s.enabled = on
	s.mu.Unlock()
	if !on {
		s.Stop()
	}
}

// SetVolume sets the volume step (0–MaxVolume).
func (s *Speaker) SetVolume(v int) {
	s.mu.Lock()
	s.volume = clampVolume(v)
	s.mu.Unlock()
}

// Announce interrupts whatever is being said and plays cue (if any) then texts, in lang: a new
// screen, the countdown, the verdict on a photo.
func (s *Speaker) Announce(lang string, cue *Cue, texts ...string) {
	s.mu.Lock()
	s.queue = s.queue[:0]
	if cue != nil {
		s.queue = append(s.queue, utterance{cue: cue})
	}
	if s.enabled {
		for _, t := range texts {
			if t != "" {
				s.queue = append(s.queue, utterance{lang: lang, text: t})
			}
		}
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.hintSaid = "" // a new screen: its first hint is news
	s.mu.Unlock()
	s.poke()
}

// Hint is the live hint on screen now (called for every analysed frame). It is spoken when it
// changes, at most once every HintInterval, and never over anything else being said.
func (s *Speaker) Hint(lang, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hintNow = text
	if !s.enabled || text == "" || text == s.hintSaid || s.playing || len(s.queue) > 0 {
		return
	}
	now := s.now()
	if !s.hintAt.IsZero() && now.Sub(s.hintAt) < HintInterval {
		return
	}
	s.hintSaid, s.hintAt = text, now
	s.queue = append(s.queue, utterance{lang: lang, text: text})
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Busy reports whether something is being said or waits to be.
func (s *Speaker) Busy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.playing || len(s.queue) > 0
}

// Stop silences the speaker and forgets what it was going to say (a session ended).
func (s *Speaker) Stop() {
	s.mu.Lock()
	s.queue = s.queue[:0]
	s.hintSaid, s.hintNow = "", ""
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
}

func (s *Speaker) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run speaks until ctx is cancelled.
func (s *Speaker) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		for s.next(ctx) {
		}
	}
}

// next plays the first queued utterance and reports whether there was one.
func (s *Speaker) next(ctx context.Context) bool {
	s.mu.Lock()
	if len(s.queue) == 0 || ctx.Err() != nil {
		s.mu.Unlock()
		return false
	}
	u := s.queue[0]
	s.queue = s.queue[1:]
	uctx, cancel := context.WithCancel(ctx)
	s.cancel, s.playing = cancel, true
	gain := float64(s.volume) / MaxVolume
	s.mu.Unlock()
	defer func() {
		cancel()
		s.mu.Lock()
		s.playing = false
		s.mu.Unlock()
	}()
	if gain == 0 {
		return true
	}
	var snd *Sound
	if u.cue != nil {
		snd = u.cue.sound()
	} else {
		var err error
		if snd, err = s.Synth.Synthesize(uctx, u.lang, u.text); err != nil {
			if uctx.Err() == nil && !errors.Is(err, ErrNoVoice) {
				s.log().Warn("voice: not synthesised", "lang", u.lang, "err", err)
			}
			return true
		}
	}
	if err := s.Player.Play(uctx, snd.scaled(gain)); err != nil && uctx.Err() == nil {
		s.mu.Lock()
		warned := s.warned
		s.warned = true
		s.mu.Unlock()
		if !warned {
			s.log().Warn("voice: no sound (is there a sound device?): guidance shown only", "err", err)
		}
	}
	return true
}
