package intake_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/intaketest"
)

// putRaw sends body with the right token and returns the status and the whole answer.
func putRaw(t *testing.T, srv *httptest.Server, uuid string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, srv.URL+upload.PathPrefix+uuid, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

func codeOf(answer string) string {
	var ea upload.ErrorAnswer
	json.Unmarshal([]byte(answer), &ea)
	return ea.Code
}

func marshal(t *testing.T, a *upload.Application) []byte {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func withPhoto(a *upload.Application, p []byte) {
	sum := sha256.Sum256(p)
	a.PhotoJPEG, a.PhotoSHA256 = p, hex.EncodeToString(sum[:])
}

func mustHold(t *testing.T, st interface {
	Count(context.Context) (int, error)
}, want int) {
	t.Helper()
	if n, err := st.Count(context.Background()); err != nil || n != want {
		t.Fatalf("intake holds %d applications (%v), want %d", n, err, want)
	}
}

// Defect 4: a photo is decoded in full before it is accepted.
func TestCorruptPhotosAreRefused(t *testing.T) {
	srv, st := startServer(t)
	for name, p := range intaketest.CorruptPhotos() {
		a := application(1)
		withPhoto(a, p)
		if status, answer := putRaw(t, srv, a.UUID, marshal(t, a)); status != 400 || codeOf(answer) != "photo_truncated" {
			t.Errorf("%s: %d %s, want 400 photo_truncated", name, status, answer)
		}
	}
	mustHold(t, st, 0)
	if status, answer := putRaw(t, srv, "", nil); status == 201 {
		t.Fatalf("empty PUT: %s", answer)
	}
	a := application(2)
	if status, answer := putRaw(t, srv, a.UUID, marshal(t, a)); status != 201 {
		t.Fatalf("a good photo: %d %s", status, answer)
	}
	mustHold(t, st, 1)
}

// Defect 5: a body with a duplicate key, or a key spelled otherwise than the wire format does
// (encoding/json matches keys case-insensitively, Unicode folds included), is ambiguous.
func TestAmbiguousJSONIsRefused(t *testing.T) {
	srv, st := startServer(t)
	a := application(1)
	body := marshal(t, a)
	edit := func(old, new string) []byte {
		t.Helper()
		if !bytes.Contains(body, []byte(old)) {
			t.Fatalf("%s not in the body", old)
		}
		return bytes.Replace(body, []byte(old), []byte(new), 1)
	}
	cases := map[string][]byte{
		"duplicate key":           edit(`"birth_date":`, `"birth_date":"1990-01-01","birth_date":`),
		"case-variant key":        edit(`"birth_date":"`+a.BirthDate+`"`, `"birth_date":"`+a.BirthDate+`","Birth_Date":"1990-01-01"`),
		"upper-case key alone":    edit(`"channel":`, `"CHANNEL":`),
		"duplicate nested key":    edit(`"braille":`, `"braille":true,"braille":`),
		"case-variant nested key": edit(`"ok":true`, `"ok":true,"OK":false`),
		"unicode fold (long s)":   edit(`"options":`, `"option\u017f":`),
		"unicode fold (kelvin)":   edit(`"photo_check":`, `"photo_chec\u212a":`),
	}
	for name, b := range cases {
		if status, answer := putRaw(t, srv, a.UUID, b); status != 400 || codeOf(answer) != "ambiguous_json" {
			t.Errorf("%s: %d %s, want 400 ambiguous_json", name, status, answer)
		}
	}
	mustHold(t, st, 0)
	if status, answer := putRaw(t, srv, a.UUID, body); status != 201 {
		t.Fatalf("the body as the booth sends it: %d %s", status, answer)
	}
}

// Defect 5: the checks take time and memory in proportion to a 10 MB body, whatever its shape.
func TestLargeBodiesAreBounded(t *testing.T) {
	srv, st := startServer(t)
	a := application(1)
	const size = upload.MaxRequestBytes - 64
	fill := func(prefix, unit, suffix string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for b.Len() < size-len(suffix)-len(unit) {
			b.WriteString(unit)
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	cases := map[string][]byte{
		"deep nesting":         fill(`{"uuid":`, `[`, ``),
		"a million keys":       manyKeys(size),
		"a million problems":   fill(`{"photo_check":{"problems":[`, `"a",`, `"a"]}}`),
		"10 MB lang":           fill(`{"lang":"`, `x`, `"}`),
		"10 MB of white space": fill(`{`, ` `, `}`),
		"duplicate key, 10 MB": fill(`{"lang":"en","lang":"`, `x`, `"}`),
	}
	for name, body := range cases {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		status, answer := putRaw(t, srv, a.UUID, body)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d %s in %v, %d MB allocated", name, status, strings.TrimSpace(answer), took.Round(time.Millisecond), alloc>>20)
		if status != 400 {
			t.Errorf("%s: %d, want 400", name, status)
		}
		if took > 5*time.Second || alloc > 120<<20 {
			t.Errorf("%s: %v and %d MB for a 10 MB body", name, took, alloc>>20)
		}
	}
	mustHold(t, st, 0)
}

// manyKeys is an object of distinct short keys, about size bytes.
func manyKeys(size int) []byte {
	b := []byte(`{`)
	for i := 0; len(b) < size-16; i++ {
		b = append(b, fmt.Sprintf(`"%x":0,`, i)...)
	}
	return append(b, `"z":0}`...)
}

// Defect 6: every string is bounded and every value plausible; times against the intake's clock.
func TestImplausibleValuesAreRefused(t *testing.T) {
	srv, st := startServer(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	set := func(f func(*upload.Application)) func(*upload.Application) { return f }
	cases := []struct {
		name   string
		mutate func(*upload.Application)
		code   string
	}{
		{"created decades ahead", set(func(a *upload.Application) { a.CreatedAt = now.AddDate(30, 0, 0); a.BirthDate = "2040-01-01" }), "bad_created_at"},
		{"created an hour ahead", set(func(a *upload.Application) { a.CreatedAt = now.Add(time.Hour) }), "bad_created_at"},
		{"created two years ago", set(func(a *upload.Application) { a.CreatedAt = now.AddDate(-2, 0, 0) }), "bad_created_at"},
		{"created before the epoch", set(func(a *upload.Application) { a.CreatedAt = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC) }), "bad_created_at"},
		{"100 KB lang", set(func(a *upload.Application) { a.Lang = strings.Repeat("ja", 50_000) }), "bad_lang"},
		{"lang not a code", set(func(a *upload.Application) { a.Lang = "Japanese\n" }), "bad_lang"},
		{"100 KB receipt", set(func(a *upload.Application) { a.Receipt = strings.Repeat("A", 100_000) }), "bad_receipt"},
		{"no receipt", set(func(a *upload.Application) { a.Receipt = "" }), "bad_receipt"},
		{"receipt not as the booth makes it", set(func(a *upload.Application) { a.Receipt = "abcd-efgh" }), "bad_receipt"},
		{"nil uuid", set(func(a *upload.Application) { a.UUID = "00000000-0000-0000-0000-000000000000" }), "bad_uuid"},
		{"version 1 uuid", set(func(a *upload.Application) { a.UUID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8" }), "bad_uuid"},
		{"unknown problem code", set(func(a *upload.Application) {
			a.PhotoCheck = upload.PhotoCheck{Problems: []string{"fine_really"}, OverrideReason: "staff"}
		}), "bad_photo_check"},
		{"200 problem codes", set(func(a *upload.Application) {
			a.PhotoCheck = upload.PhotoCheck{Problems: strings.Split(strings.Repeat("blurry,", 199)+"blurry", ","), OverrideReason: "staff"}
		}), "bad_photo_check"},
		{"255-byte e-mail", set(func(a *upload.Application) { a.Options.Email = strings.Repeat("a", 245) + "@example.jp" }), "bad_email"},
		{"101-byte booth ID", set(func(a *upload.Application) { a.BoothID = strings.Repeat("b", 101) }), "bad_booth"},
	}
	for _, c := range cases {
		a := application(1)
		c.mutate(a)
		if status, answer := putRaw(t, srv, a.UUID, marshal(t, a)); status != 400 || codeOf(answer) != c.code {
			t.Errorf("%s: %d %s, want 400 %s", c.name, status, answer, c.code)
		}
	}
	mustHold(t, st, 0)
	// Within the tolerances: a booth clock a few minutes fast, a booth offline for months.
	for _, created := range []time.Time{now.Add(5 * time.Minute), now.AddDate(0, -10, 0)} {
		a := application(2)
		a.CreatedAt = created
		if status, answer := putRaw(t, srv, a.UUID, marshal(t, a)); status != 201 {
			t.Errorf("created %v: %d %s", created, status, answer)
		}
	}
	mustHold(t, st, 2)
}

// Defect 7: a refusal never repeats what the request held, whatever the field.
func TestRefusalsNeverEchoInput(t *testing.T) {
	srv, _ := startServer(t)
	const marker = "taro_yamada_secret"
	cases := map[string]func(*upload.Application) []byte{
		"problem code": func(a *upload.Application) []byte {
			a.PhotoCheck = upload.PhotoCheck{Problems: []string{marker}, OverrideReason: "staff"}
			return nil
		},
		"channel":    func(a *upload.Application) []byte { a.Channel = marker; return nil },
		"lang":       func(a *upload.Application) []byte { a.Lang = marker; return nil },
		"receipt":    func(a *upload.Application) []byte { a.Receipt = marker; return nil },
		"booth ID":   func(a *upload.Application) []byte { a.BoothID = marker + strings.Repeat("x", 100); return nil },
		"e-mail":     func(a *upload.Application) []byte { a.Options.Email = marker; return nil },
		"birth date": func(a *upload.Application) []byte { a.BirthDate = marker; return nil },
		"form ID":    func(a *upload.Application) []byte { a.FormID = marker; return nil },
		"photo hash": func(a *upload.Application) []byte { a.PhotoSHA256 = marker; return nil },
		"override": func(a *upload.Application) []byte {
			a.PhotoCheck.OverrideReason = marker + strings.Repeat("x", 500)
			return nil
		},
		"unknown field": func(a *upload.Application) []byte {
			return bytes.Replace(marshal(t, a), []byte(`"uuid"`), []byte(`"`+marker+`":1,"uuid"`), 1)
		},
		"wrong type": func(a *upload.Application) []byte {
			return bytes.Replace(marshal(t, a), []byte(`"lang":"ja"`), []byte(`"lang":["`+marker+`"]`), 1)
		},
	}
	for name, mutate := range cases {
		a := application(1)
		body := mutate(a)
		if body == nil {
			body = marshal(t, a)
		}
		status, answer := putRaw(t, srv, a.UUID, body)
		if status != 400 || strings.Contains(answer, "taro") || strings.Contains(answer, "yamada") {
			t.Errorf("%s: %d %s", name, status, answer)
		}
	}
}
