package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/capture/imagefile"
)

// StillDir shows the images of a directory in turn, each for a while, as if they were held up to
// the camera one after another. Useful to try the kiosk on the test photos without a camera.
type StillDir struct {
	mu    sync.Mutex
	dir   string
	hold  time.Duration
	now   func() time.Time
	files []string
	start time.Time
	// cache holds the decoded image being shown, so each Read is a copy, not a decode.
	cacheIdx int
	cache    gocv.Mat
}

// OpenStillDir lists the images in dir; each is shown for hold (default 3 s).
func OpenStillDir(dir string, hold time.Duration) (*StillDir, error) {
	if hold <= 0 {
		hold = 3 * time.Second
	}
	s := &StillDir{dir: dir, hold: hold, now: time.Now, cacheIdx: -1, cache: gocv.NewMat()}
	if err := s.Reopen(); err != nil {
		s.cache.Close()
		return nil, err
	}
	return s, nil
}

// Reopen lists the directory again (images added or removed since are picked up).
func (s *StillDir) Reopen() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && imagefile.HasImageExtension(e.Name()) {
			files = append(files, filepath.Join(s.dir, e.Name()))
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return fmt.Errorf("capture: no images in %s", s.dir)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files = files
	s.start = s.now()
	s.cacheIdx = -1
	return nil
}

// Read copies the image due now into dst. An unreadable file is reported, not skipped silently;
// the next Read moves on once its time is over.
func (s *StillDir) Read(dst *gocv.Mat) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.files) == 0 {
		return fmt.Errorf("%w: %s is closed", ErrEndOfStream, s.dir)
	}
	idx := int(s.now().Sub(s.start)/s.hold) % len(s.files)
	if idx != s.cacheIdx {
		m, _, err := LoadImageFile(s.files[idx])
		if err != nil {
			m.Close()
			return fmt.Errorf("capture: %s: %w", filepath.Base(s.files[idx]), err)
		}
		s.cache.Close()
		s.cache, s.cacheIdx = m, idx
	}
	s.cache.CopyTo(dst)
	return nil
}

// SetClock makes the folder show its images by now's time from now on, from the first image:
// tests step through the images at will.
func (s *StillDir) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now, s.start = now, now()
}

func (s *StillDir) Name() string { return s.dir }

func (s *StillDir) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files = nil
	s.cache.Close() // closing twice is safe; Reopen decodes into a new one
	s.cacheIdx = -1
	return nil
}
