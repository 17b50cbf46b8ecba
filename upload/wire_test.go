package upload_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
)

// created is when wireApp's applications were queued; receivedAt, the receiver's clock.
var created, receivedAt = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 9, 5, 0, 0, time.UTC)

func wireApp(jpegBytes []byte) *upload.Application {
	a := storagetest.Application(5, jpegBytes)
	a.UUID, a.Receipt, a.CreatedAt = booth.NewUUID(), "ABCD-EFGH", created
	return upload.FromApplication(a)
}

func grayJPEG(w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7919 % 251)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95})
	return buf.Bytes()
}

func TestValidate(t *testing.T) {
	if err := wireApp(photo).Validate("", receivedAt); err != nil {
		t.Fatalf("valid application refused: %v", err)
	}
	withPhoto := func(p []byte) func(*upload.Application) {
		return func(a *upload.Application) {
			sum := sha256.Sum256(p)
			a.PhotoJPEG, a.PhotoSHA256 = p, hex.EncodeToString(sum[:])
		}
	}
	cases := map[string]struct {
		mutate func(*upload.Application)
		code   string
	}{
		"22-digit form ID":      {func(a *upload.Application) { a.FormID = a.FormID[1:] }, "bad_form_id"},
		"uuid mismatch":         {func(a *upload.Application) { a.UUID = booth.NewUUID() }, "uuid_mismatch"},
		"future birth":          {func(a *upload.Application) { a.BirthDate = "2027-01-01" }, "bad_birth_date"},
		"flagged, no reason":    {func(a *upload.Application) { a.PhotoCheck.OK = false; a.PhotoCheck.Problems = []string{"blurry"} }, "bad_photo_check"},
		"photo of 20,000 bytes": {withPhoto(padJPEG(storagetest.Photo(480, 600, 0, 1), 20000)), "photo_size"},
		"impossible date":       {func(a *upload.Application) { a.BirthDate = "1990-02-30" }, "bad_birth_date"},
		"mailed from booth":     {func(a *upload.Application) { a.CardMailed = true }, "bad_channel"},
		"sha mismatch":          {func(a *upload.Application) { a.PhotoSHA256 = hex.EncodeToString(make([]byte, 32)) }, "photo_sha256_mismatch"},
		"photo too small":       {withPhoto(storagetest.Photo(480, 600, 0, 1)[:0]), "photo_size"},
		"small sides":           {withPhoto(storagetest.Photo(400, 460, 64, 1)), "photo_dimensions"},
		"grey photo":            {withPhoto(grayJPEG(800, 1000)), "photo_not_rgb"},
		"truncated":             {withPhoto(photo[:len(photo)-500]), "photo_truncated"},
		"not a jpeg":            {withPhoto(bytes.Repeat([]byte("GIF89a"), 5000)), "photo_not_jpeg"},
		"bad problem code":      {func(a *upload.Application) { a.PhotoCheck.Problems = []string{"<script>"} }, "bad_photo_check"},
		"no receipt":            {func(a *upload.Application) { a.Receipt = "" }, "bad_receipt"},
		"created ahead":         {func(a *upload.Application) { a.CreatedAt = receivedAt.Add(time.Hour) }, "bad_created_at"},
		"nil uuid":              {func(a *upload.Application) { a.UUID = "00000000-0000-0000-0000-000000000000" }, "bad_uuid"},
	}
	for name, c := range cases {
		a := wireApp(photo)
		path := a.UUID
		c.mutate(a)
		var inv *upload.InvalidError
		if err := a.Validate(path, receivedAt); !errors.As(err, &inv) || inv.Code != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
}

// Every rule of an application has its own refusal code on the wire, and every code is one a
// booth keeps.
func TestEveryRuleHasAWireCode(t *testing.T) {
	for _, c := range booth.Codes {
		if w := upload.WireCode(c); w == upload.CodeInvalid || !upload.KnownCode(w) {
			t.Errorf("%s: wire code %q", c, w)
		}
	}
	for _, c := range []string{"", "Invalid", "bad_json ", "Yamada Taro"} {
		if upload.KnownCode(c) {
			t.Errorf("%q is a known code", c)
		}
	}
}

func TestContentHash(t *testing.T) {
	a := wireApp(photo)
	b := *a
	b.CreatedAt = a.CreatedAt.In(time.FixedZone("JST", 9*3600))
	if a.ContentHash() != b.ContentHash() {
		t.Fatal("the same application in another time zone hashes differently")
	}
	b.Options.Braille = !b.Options.Braille
	if a.ContentHash() == b.ContentHash() {
		t.Fatal("different content, same hash")
	}
}

func TestBackoffFullJitterCapped(t *testing.T) {
	b := upload.Backoff{Base: 100 * time.Millisecond, Cap: time.Second}
	for attempt := 1; attempt <= 80; attempt++ {
		limit := min(b.Cap, b.Base<<min(attempt-1, 20))
		var maxSeen time.Duration
		for i := 0; i < 200; i++ {
			d := b.Delay(attempt)
			if d < 0 || d > limit {
				t.Fatalf("attempt %d: delay %v outside [0, %v]", attempt, d, limit)
			}
			maxSeen = max(maxSeen, d)
		}
		if maxSeen < limit/2 {
			t.Fatalf("attempt %d: no delay above %v in 200 draws: not full jitter", attempt, limit/2)
		}
	}
	if d := upload.DefaultBackoff.Delay(1 << 20); d > upload.DefaultBackoff.Cap {
		t.Fatalf("huge attempt count: %v", d)
	}
}

// padJPEG returns a copy of a JPEG cut or padded (with a comment segment) to n bytes... or as
// close as a valid file allows: used to probe the size limits.
func padJPEG(jpg []byte, n int) []byte {
	if len(jpg) >= n {
		return jpg[:n]
	}
	pad := n - len(jpg) - 4
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xFF, 0xFE, byte((pad+2)>>8), byte(pad+2))
	out = append(out, bytes.Repeat([]byte{' '}, pad)...)
	return append(out, jpg[2:]...)
}
