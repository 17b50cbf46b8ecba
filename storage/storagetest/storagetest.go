// Package storagetest makes test inputs for the queue: JPEG photos within the upload spec,
// complete applications, and real queues in temporary directories. Tests only; the photos are
// generated, not taken from ../shared.
package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
)

// Photo returns a w×h RGB JPEG of a smooth gradient with seeded noise; noise (0–255) sets how
// large the file is (more noise, more bytes). The same arguments give the same bytes.
func Photo(w, h, noise int, seed uint64) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 1))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := 0
			if noise > 0 {
				n = r.IntN(noise) - noise/2
			}
			img.Set(x, y, color.RGBA{clamp(x*255/w + n), clamp(y*255/h + n), clamp(128 + n), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func clamp(v int) uint8 { return uint8(max(0, min(255, v))) }

// FormID returns a distinct 23-digit form ID for i.
func FormID(i int) booth.FormID { return booth.FormID(fmt.Sprintf("1234%019d", i)) }

// Application returns a valid booth application number i with photo.
func Application(i int, photo []byte) *booth.Application {
	return &booth.Application{
		FormID:     FormID(i),
		BirthDate:  booth.Date{Year: 1940 + i%60, Month: time.Month(1 + i%12), Day: 1 + i%28},
		Options:    booth.Options{ECertificate: i%2 == 0, Braille: i%7 == 0},
		Photo:      photo,
		PhotoCheck: booth.PhotoCheck{OK: true},
		BoothID:    "booth-test-1",
		BoothName:  "Test booth",
		Lang:       "ja",
		Channel:    booth.ChannelBooth,
	}
}

// Open opens a new queue in a temporary directory, closed when the test ends.
func Open(t testing.TB) *storage.Store {
	t.Helper()
	dir := t.TempDir()
	s, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Stats returns the queue's counts or fails the test.
func Stats(t testing.TB, s *storage.Store) storage.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}
