package voice

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/idbooth/idbooth/internal/atomicfile"
)

// DefaultJTalkDict is where Debian's open-jtalk-mecab-naist-jdic puts the dictionary.
const DefaultJTalkDict = "/var/lib/mecab/dic/open-jtalk/naist-jdic"

// ErrNoVoice: the language has no voice here (its texts are shown, not spoken).
var ErrNoVoice = errors.New("voice: no voice for this language")

// Synthesizer turns texts into speech, caching each (language, text): in memory up to a
// budget, and on disk so that a restarted kiosk speaks at once. It is safe for concurrent use.
type Synthesizer struct {
	// CacheDir keeps the speech across restarts ("" keeps it in memory only).
	CacheDir string
	// JTalkVoice is Open JTalk's HTS voice file; JTalkDict its dictionary (DefaultJTalkDict).
	JTalkVoice string
	JTalkDict  string
	// MemoryBytes bounds the in-memory cache (default 24 MB: a few languages' screens).
	MemoryBytes int
	// Timeout bounds one synthesis (default 10 s).
	Timeout time.Duration

	mu    sync.Mutex
	lru   *list.List // of *entry, most recent first
	byKey map[string]*list.Element
	bytes int
	stats Stats
}

type entry struct {
	key   string
	sound *Sound
}

// Stats count the cache's hits and the time spent synthesising, for operators and notes.
type Stats struct {
	Hits, DiskHits, Misses int
	SynthTime              time.Duration
}

// Stats returns the counts so far.
func (s *Synthesizer) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func cacheKey(lang, text string) string {
	v := spoken[lang]
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s\x00%s", v.engine, v.voice, lang, text)))
	return hex.EncodeToString(sum[:16])
}

// Synthesize returns text spoken in lang: from the cache, or made now.
func (s *Synthesizer) Synthesize(ctx context.Context, lang, text string) (*Sound, error) {
	if !Speakable(lang) {
		return nil, ErrNoVoice
	}
	key := cacheKey(lang, text)
	if snd := s.cached(key); snd != nil {
		return snd, nil
	}
	if snd := s.fromDisk(key); snd != nil {
		s.remember(key, snd)
		return snd, nil
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	wav, err := s.run(ctx, lang, text)
	if err != nil {
		return nil, err
	}
	snd, err := ParseWAV(wav)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.stats.Misses++
	s.stats.SynthTime += time.Since(start)
	s.mu.Unlock()
	s.remember(key, snd)
	s.toDisk(key, wav)
	return snd, nil
}

// run calls the language's synthesiser. Texts go on standard input, never into a command line.
func (s *Synthesizer) run(ctx context.Context, lang, text string) ([]byte, error) {
	v := spoken[lang]
	var cmd *exec.Cmd
	var out string
	switch v.engine {
	case openJTalk:
		if s.JTalkVoice == "" {
			return nil, errors.New("voice: no Open JTalk voice file")
		}
		dict := s.JTalkDict
		if dict == "" {
			dict = DefaultJTalkDict
		}
		f, err := os.CreateTemp("", "idbooth-jtalk-*.wav")
		if err != nil {
			return nil, err
		}
		f.Close()
		out = f.Name()
		defer os.Remove(out)
		cmd = exec.CommandContext(ctx, "open_jtalk", "-x", dict, "-m", s.JTalkVoice, "-ow", out)
	case eSpeak:
		cmd = exec.CommandContext(ctx, "espeak-ng", "-v", v.voice, "--stdout")
	}
	cmd.Stdin = bytes.NewReader([]byte(text + "\n"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("voice: %s: %v: %s", cmd.Args[0], err, firstLine(stderr.String()))
	}
	if out != "" {
		return os.ReadFile(out)
	}
	return stdout.Bytes(), nil
}

func (s *Synthesizer) cached(key string) *Sound {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		return nil
	}
	if e, ok := s.byKey[key]; ok {
		s.lru.MoveToFront(e)
		s.stats.Hits++
		return e.Value.(*entry).sound
	}
	return nil
}

func (s *Synthesizer) remember(key string, snd *Sound) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		s.lru, s.byKey = list.New(), map[string]*list.Element{}
	}
	if _, ok := s.byKey[key]; ok {
		return
	}
	s.byKey[key] = s.lru.PushFront(&entry{key, snd})
	s.bytes += len(snd.Samples) * 2
	budget := s.MemoryBytes
	if budget <= 0 {
		budget = 24 << 20
	}
	for s.bytes > budget && s.lru.Len() > 1 {
		last := s.lru.Back()
		e := last.Value.(*entry)
		s.lru.Remove(last)
		delete(s.byKey, e.key)
		s.bytes -= len(e.sound.Samples) * 2
	}
}

func (s *Synthesizer) fromDisk(key string) *Sound {
	if s.CacheDir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(s.CacheDir, key+".wav"))
	if err != nil {
		return nil
	}
	snd, err := ParseWAV(b)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	s.stats.DiskHits++
	s.mu.Unlock()
	return snd
}

// toDisk keeps wav for the next start, written atomically (a half-written file would be read
// back as garbled speech).
func (s *Synthesizer) toDisk(key string, wav []byte) {
	if s.CacheDir == "" || os.MkdirAll(s.CacheDir, 0o700) != nil {
		return
	}
	atomicfile.WriteFile(filepath.Join(s.CacheDir, key+".wav"), wav, 0o600) // a cache: a failure costs a synthesis later
}

// WriteVoiceFile puts an HTS voice (embedded in the binary) where open_jtalk can read it, in dir,
// and returns its path. An existing file of the same size is taken as it is.
func WriteVoiceFile(dir, name string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(len(data)) {
		return path, nil
	}
	return path, atomicfile.WriteFile(path, data, 0o600)
}
