// Package storagetest makes test inputs for the queue: JPEG photos within the upload spec and
// complete applications. Tests only; the photos are generated, not taken from ../shared.
package storagetest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"

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
func FormID(i int) string { return fmt.Sprintf("1234%019d", i) }

// Application returns a valid booth application number i with photo.
func Application(i int, photo []byte) *storage.Application {
	return &storage.Application{
		FormID:     FormID(i),
		BirthDate:  fmt.Sprintf("19%02d-%02d-%02d", 40+i%60, 1+i%12, 1+i%28),
		Options:    storage.Options{ECertificate: i%2 == 0, Braille: i%7 == 0},
		Photo:      photo,
		PhotoCheck: storage.PhotoCheck{OK: true},
		BoothID:    "booth-test-1",
		BoothName:  "Test booth",
		Lang:       "ja",
		Channel:    storage.ChannelBooth,
	}
}
