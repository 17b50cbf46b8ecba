package intake_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/intaketest"
)

// fuzzClock is the receiver's clock of the fuzz target; its seeds were queued a minute before.
var fuzzClock = time.Date(2026, 4, 1, 9, 1, 0, 0, time.UTC)

// fuzzSeeds are the request bodies of the hardening tests: one a booth sends, and each way of
// breaking it found so far.
func fuzzSeeds() [][]byte {
	a := storagetest.Application(1, storagetest.Photo(600, 800, 0, 1))
	a.UUID, a.Receipt, a.CreatedAt = "0b7f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f", "ABCD-EFGH", fuzzClock.Add(-time.Minute)
	good, _ := json.Marshal(upload.FromApplication(a))
	edit := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	seeds := [][]byte{
		good,
		edit(`"birth_date":`, `"birth_date":"1990-01-01","birth_date":`),
		edit(`"birth_date":`, `"Birth_Date":"1990-01-01","birth_date":`),
		edit(`"channel":`, `"CHANNEL":`),
		edit(`"braille":`, `"braille":true,"braille":`),
		edit(`"ok":true`, `"ok":true,"OK":false`),
		edit(`"options":`, `"option\u017f":`),
		edit(`"photo_check":`, `"photo_chec\u212a":`),
		edit(`"uuid"`, `"`+marker+`":1,"uuid"`),
		edit(`"lang":"ja"`, `"lang":["`+marker+`"]`),
		edit(`"lang":"ja"`, `"lang":{"a":{"b":1}}`),
		edit(`"options":{`, `"options":[{`),
		edit(`"created_at":"2026-04-01T09:00:00Z"`, `"created_at":"2056-04-01T09:00:00Z"`),
		edit(`"created_at":"2026-04-01T09:00:00Z"`, `"created_at":"0001-01-01T00:00:00.000000001Z"`),
		edit(`"receipt":"ABCD-EFGH"`, `"receipt":"abcd-efgh"`),
		edit(`"uuid":"0b7f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"`, `"uuid":"00000000-0000-0000-0000-000000000000"`),
		edit(`"uuid":"0b7f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"`, `"uuid":"6ba7b810-9dad-11d1-80b4-00c04fd430c8"`),
		edit(`"ok":true`, `"ok":false,"problems":["blurry","`+marker+`"],"override_reason":"staff"`),
		edit(`"booth_id":"`, `"booth_id":"`+strings.Repeat("b", 100)),
		append(bytes.Clone(good), ` {}`...),
		[]byte(`{"uuid":` + strings.Repeat("[", 1000)),
		[]byte(`{"lang":"en","lang":"` + strings.Repeat("x", 1000) + `"}`),
		[]byte(`{` + strings.Repeat(" ", 1000) + `}`),
		[]byte(`{"photo_check":{"problems":[` + strings.Repeat(`"a",`, 2000) + `"a"]}}`),
		[]byte(`{"options":null,"photo_check":null,"photo_jpeg":null}`),
		[]byte(`[]`), []byte(`null`), []byte(``), []byte(`{"uuid":"\ud800"}`),
	}
	for _, field := range []string{"form_id", "birth_date", "channel", "receipt", "lang", "photo_sha256", "created_at"} {
		var m map[string]any
		json.Unmarshal(good, &m)
		m[field] = marker
		b, _ := json.Marshal(m)
		seeds = append(seeds, b)
	}
	for _, p := range intaketest.CorruptPhotos() {
		c := upload.FromApplication(a)
		c.PhotoJPEG = p
		c.PhotoSHA256 = fmt.Sprintf("%x", sha256.Sum256(p))
		b, _ := json.Marshal(c)
		seeds = append(seeds, b)
	}
	return seeds
}

// FuzzDecodeApplication feeds the intake's request decoding and validation any body. Whatever
// it is, they do not panic, refuse with a code of the contract and a text that does not quote
// the body, and what they accept has exactly the format's keys and validates again the same
// after a round trip.
func FuzzDecodeApplication(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := intake.DecodeApplication(body)
		if err != nil {
			var ref *intake.Refusal
			if !errors.As(err, &ref) || ref.Status != 400 || !upload.KnownCode(ref.Code) {
				t.Fatalf("refusal %#v", err)
			}
			noEcho(t, ref.Text, body)
			return
		}
		var keys map[string]any
		if err := json.Unmarshal(body, &keys); err != nil {
			t.Fatalf("accepted a body that is not an object: %v", err)
		}
		format, _ := json.Marshal(&upload.Application{})
		var formatKeys map[string]any
		json.Unmarshal(format, &formatKeys)
		for k := range keys {
			if _, ok := formatKeys[k]; !ok {
				t.Fatalf("accepted the key %q", k)
			}
		}
		verr := a.Validate(a.UUID, fuzzClock)
		var inv *upload.InvalidError
		if verr != nil {
			if !errors.As(verr, &inv) || !upload.KnownCode(inv.Code) || inv.Code == upload.CodeInvalid {
				t.Fatalf("validation error %#v", verr)
			}
			noEcho(t, inv.Detail, body)
			return
		}
		again, _ := json.Marshal(a)
		b, err := intake.DecodeApplication(again)
		if err != nil || !reflect.DeepEqual(normal(a), normal(b)) || b.Validate(b.UUID, fuzzClock) != nil {
			t.Fatalf("an accepted application does not survive a round trip: %v", err)
		}
		if !booth.ValidUUID(b.UUID) {
			t.Fatal("accepted an invalid uuid")
		}
	})
}

func normal(a *upload.Application) upload.Application {
	c := *a
	c.CreatedAt = c.CreatedAt.UTC()
	return c
}

// marker stands for personal data in the seeds; no refusal says it, so one that does repeats
// the body.
const marker = "taro_yamada"

func noEcho(t *testing.T, text string, body []byte) {
	t.Helper()
	if bytes.Contains(body, []byte(marker)) && strings.Contains(text, marker) {
		t.Fatalf("refusal %q repeats the body", text)
	}
}

// The fuzz target's first seed is accepted and every other one refused: the seeds reach both
// the refusals and the round trip.
func TestFuzzSeedsReachEveryPath(t *testing.T) {
	for i, s := range fuzzSeeds() {
		a, err := intake.DecodeApplication(s)
		if err == nil {
			err = a.Validate(a.UUID, fuzzClock)
		}
		if (i == 0) != (err == nil) {
			t.Errorf("seed %d: %v", i, err)
		}
	}
}
