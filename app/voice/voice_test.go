package voice_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/idbooth/idbooth/app/voice"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/internal/testsupport"
)

func need(t *testing.T, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			testsupport.Missing(t, "%s: %v", p, err)
		}
	}
}

func newSynth(t testing.TB, cache string) *voice.Synthesizer {
	t.Helper()
	path, err := voice.WriteVoiceFile(t.TempDir(), "mei_normal.htsvoice", assets.JTalkVoice)
	if err != nil {
		t.Fatal(err)
	}
	return &voice.Synthesizer{CacheDir: cache, JTalkVoice: path}
}

// soxStat measures a WAVE file with sox: its length in seconds and its RMS amplitude.
func soxStat(t *testing.T, wav []byte) (length, rms float64) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "s.wav")
	os.WriteFile(f, wav, 0o600)
	out, err := exec.Command("sox", f, "-n", "stat").CombinedOutput()
	if err != nil {
		t.Fatalf("sox: %v %s", err, out)
	}
	num := func(label string) float64 {
		m := regexp.MustCompile(label + `:\s+([0-9.]+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("sox stat has no %q:\n%s", label, out)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	return num(`Length \(seconds\)`), num(`RMS\s+amplitude`)
}

// residentKeys lists the keys of the texts residents see (operator screens and the slip are
// not spoken).
func residentKeys(c *assets.Catalog) []string {
	var keys []string
	for _, k := range c.Keys() {
		switch k[:strings.Index(k, ".")] {
		case "ui", "photo", "qr", "booth", "queue":
			if k != "ui.lang_name" && k != "ui.language" {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*([a-z])`)

// sample formats a text with sample arguments of the right kind.
func sample(text string) string {
	return verb.ReplaceAllStringFunc(text, func(v string) string {
		if strings.HasSuffix(v, "d") {
			return "3"
		}
		return "0123"
	})
}

// Every text residents see, in Japanese and English, is spoken: audio that is not silent and
// whose length fits the text.
func TestEveryResidentTextIsSpoken(t *testing.T) {
	need(t, "open_jtalk", "espeak-ng", "sox")
	s := newSynth(t, "")
	for _, lang := range []string{"ja", "en"} {
		c := assets.Messages(lang)
		keys := residentKeys(c)
		var mu sync.Mutex
		var covered []string
		sem := make(chan struct{}, 2)
		var wg sync.WaitGroup
		for _, k := range keys {
			text := sample(c.T(k))
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				snd, err := s.Synthesize(context.Background(), lang, text)
				if err != nil {
					t.Errorf("%s %s: %v", lang, k, err)
					return
				}
				length, rms := soxStat(t, snd.WAV())
				runes := float64(utf8.RuneCountInString(text))
				if rms < 0.02 || length < 0.25+0.02*runes || length > 1.5+0.4*runes {
					t.Errorf("%s %s: %.2f s, RMS %.3f for %d characters (%q)", lang, k, length, rms, int(runes), text)
				}
				mu.Lock()
				covered = append(covered, k)
				mu.Unlock()
			}()
		}
		wg.Wait()
		sort.Strings(covered)
		t.Logf("%s: %d texts spoken: %s", lang, len(covered), strings.Join(covered, " "))
		if len(covered) < 150 {
			t.Errorf("%s: only %d texts", lang, len(covered))
		}
	}
	st := s.Stats()
	t.Logf("synthesised %d texts in %v (%.0f ms each)", st.Misses, st.SynthTime.Round(time.Millisecond),
		float64(st.SynthTime.Milliseconds())/float64(max(1, st.Misses)))
}

// Every offered language but Tagalog has a voice; its texts are spoken (a sample each).
func TestEveryVoiceSpeaks(t *testing.T) {
	need(t, "open_jtalk", "espeak-ng")
	s := newSynth(t, "")
	for _, lang := range assets.Offered {
		if !voice.Speakable(lang) {
			if lang != "tl" {
				t.Errorf("%s has no voice", lang)
			}
			continue
		}
		snd, err := s.Synthesize(context.Background(), lang, assets.Messages(lang).T("ui.scan.prompt"))
		if err != nil || snd.RMS() < 0.02 || snd.Duration() < 1 {
			t.Errorf("%s: %v, %.2f s, RMS %.3f", lang, err, snd.Duration(), snd.RMS())
		}
	}
	if _, err := s.Synthesize(context.Background(), "tl", "Magandang araw"); err != voice.ErrNoVoice {
		t.Errorf("Tagalog: %v, want ErrNoVoice", err)
	}
}

// The cache: a text said twice is synthesised once; a new kiosk finds it on disk.
func TestCache(t *testing.T) {
	need(t, "espeak-ng")
	dir := t.TempDir()
	s := newSynth(t, dir)
	ctx := context.Background()
	a, err := s.Synthesize(ctx, "en", "Please hold still")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Synthesize(ctx, "en", "Please hold still")
	if st := s.Stats(); st.Misses != 1 || st.Hits != 1 || len(a.Samples) != len(b.Samples) {
		t.Fatalf("stats %+v", st)
	}
	again := newSynth(t, dir)
	if _, err := again.Synthesize(ctx, "en", "Please hold still"); err != nil {
		t.Fatal(err)
	}
	if st := again.Stats(); st.DiskHits != 1 || st.Misses != 0 {
		t.Fatalf("a restarted kiosk synthesised again: %+v", st)
	}
}
