package booth_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload/intake/intaketest"
)

// sized returns a valid JPEG of exactly n bytes: a small photo padded with comment segments.
func sized(t *testing.T, n int) []byte {
	t.Helper()
	base := storagetest.Photo(480, 600, 0, 1)
	pad := n - len(base)
	if pad < 4 {
		t.Fatalf("base photo of %d bytes is larger than %d", len(base), n)
	}
	var out bytes.Buffer
	out.Write(base[:2])
	for pad > 0 {
		seg := min(pad, 65535+2) // marker (2) + length field counted in the length (2) + data
		if pad-seg > 0 && pad-seg < 4 {
			seg -= 4 // leave room for one more whole segment
		}
		data := seg - 4
		out.Write([]byte{0xFF, 0xFE, byte((data + 2) >> 8), byte(data + 2)})
		out.Write(bytes.Repeat([]byte{' '}, data))
		pad -= seg
	}
	out.Write(base[2:])
	if out.Len() != n {
		t.Fatalf("padded to %d, want %d", out.Len(), n)
	}
	return out.Bytes()
}

func TestPhotoSizeLimitsHoldUnderBothReadingsOfKB(t *testing.T) {
	for _, c := range []struct {
		n  int
		ok bool
	}{
		{20000, false}, {20479, false}, {20480, true},
		{7_000_000, true}, {7_000_001, false}, {7 << 20, false},
	} {
		err := booth.ValidatePhotoJPEG(sized(t, c.n))
		if (err == nil) != c.ok || (!c.ok && booth.CodeOf(err) != booth.PhotoSize) {
			t.Errorf("%d bytes: %v, want ok=%v", c.n, err, c.ok)
		}
	}
}

func TestPhotoSpec(t *testing.T) {
	good := storagetest.Photo(600, 800, 0, 1)
	gray := image.NewGray(image.Rect(0, 0, 800, 1000))
	for i := range gray.Pix {
		gray.Pix[i] = byte(i * 7919 % 251)
	}
	var grayJPEG bytes.Buffer
	jpeg.Encode(&grayJPEG, gray, &jpeg.Options{Quality: 95})
	wide := image.NewRGBA(image.Rect(0, 0, 6100, 500))
	for i := range wide.Pix {
		wide.Pix[i] = byte(i * 31 % 253)
	}
	wide.Set(0, 0, color.White)
	var wideJPEG bytes.Buffer
	jpeg.Encode(&wideJPEG, wide, &jpeg.Options{Quality: 40})
	cases := map[string]struct {
		jpeg []byte
		want booth.Code
	}{
		"good":      {good, ""},
		"grey":      {grayJPEG.Bytes(), booth.PhotoNotRGB},
		"truncated": {good[:len(good)-500], booth.PhotoTruncated},
		"not jpeg":  {bytes.Repeat([]byte("GIF89a"), 5000), booth.PhotoNotJPEG},
		"too wide":  {wideJPEG.Bytes(), booth.PhotoDimensions},
	}
	for name, c := range cases {
		if err := booth.ValidatePhotoJPEG(c.jpeg); booth.CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

func TestAcceptPhotoPolicy(t *testing.T) {
	flagged := booth.PhotoCheck{Problems: []string{"shadow_on_background"}}
	cases := []struct {
		name   string
		check  booth.PhotoCheck
		reason string
		want   booth.Code
	}{
		{"passed", booth.PhotoCheck{OK: true}, "", ""},
		{"passed, reason ignored", booth.PhotoCheck{OK: true}, "why not", ""},
		{"flagged, resident alone", flagged, "", booth.PhotoRejected},
		{"flagged, blank reason", flagged, "  \t", booth.PhotoRejected},
		{"flagged, staff reason", flagged, "soft shadow only", ""},
		{"flagged, reason too long", flagged, string(bytes.Repeat([]byte("x"), 501)), booth.OverrideReasonLong},
		{"flagged, control characters", flagged, "ok\x1b[2J", booth.PhotoCheckInvalid},
		{"not an image", booth.PhotoCheck{Problems: []string{"not_an_image"}}, "staff says fine", booth.OverrideNotAllowed},
	}
	for _, c := range cases {
		got, err := booth.AcceptPhoto(c.check, c.reason)
		if booth.CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
			continue
		}
		if err == nil && !c.check.OK && got.OverrideReason != c.reason {
			t.Errorf("%s: override reason %q not recorded", c.name, got.OverrideReason)
		}
		if err == nil && c.check.OK && got.Overridden() {
			t.Errorf("%s: a passed photo recorded as overridden", c.name)
		}
	}
}

// A photo must decode in full: a header and an end marker that look right are not enough.
func TestPhotoMustDecode(t *testing.T) {
	for name, p := range intaketest.CorruptPhotos() {
		if err := booth.ValidatePhotoJPEG(p); booth.CodeOf(err) != booth.PhotoTruncated {
			t.Errorf("%s (%d bytes): %v, want %s", name, len(p), err, booth.PhotoTruncated)
		}
	}
	if err := booth.ValidatePhotoJPEG(storagetest.Photo(600, 800, 8, 1)); err != nil {
		t.Errorf("good photo: %v", err)
	}
}

// BenchmarkValidatePhotoJPEG measures the photo check per photo; the decode sub-benchmarks are
// what decoding the image data in full adds to the header checks.
func BenchmarkValidatePhotoJPEG(b *testing.B) {
	for _, p := range []struct {
		name        string
		w, h, noise int
	}{{"600x800-24KB", 600, 800, 0}, {"1000x1300-300KB", 1000, 1300, 17}, {"3000x4000", 3000, 4000, 8}} {
		photo := storagetest.Photo(p.w, p.h, p.noise, 1)
		b.Run("validate/"+p.name, func(b *testing.B) {
			b.SetBytes(int64(len(photo)))
			for b.Loop() {
				if err := booth.ValidatePhotoJPEG(photo); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("decode/"+p.name, func(b *testing.B) {
			b.SetBytes(int64(len(photo)))
			for b.Loop() {
				if _, err := jpeg.Decode(bytes.NewReader(photo)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
