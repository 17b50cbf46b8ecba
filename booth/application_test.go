package booth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// Every string an application carries is bounded: the queue stores it, the wire carries it and
// the intake keeps it.
func TestApplicationBoundsItsStrings(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	jpeg := storagetest.Photo(600, 800, 0, 1)
	flagged := func(codes ...string) func(*booth.Application) {
		return func(a *booth.Application) {
			a.PhotoCheck = booth.PhotoCheck{OK: false, Problems: codes, OverrideReason: "staff checked it"}
		}
	}
	var all []string
	for _, c := range booth.PhotoProblemCodes {
		all = append(all, c)
	}
	cases := []struct {
		name   string
		mutate func(*booth.Application)
		want   booth.Code
	}{
		{"valid", func(*booth.Application) {}, ""},
		{"every known problem, overridden", flagged(all...), ""},
		{"nil uuid", func(a *booth.Application) { a.UUID = "00000000-0000-0000-0000-000000000000" }, booth.UUIDInvalid},
		{"version 1 uuid", func(a *booth.Application) { a.UUID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8" }, booth.UUIDInvalid},
		{"100 KB lang", func(a *booth.Application) { a.Lang = strings.Repeat("en", 50_000) }, booth.LangMissing},
		{"lang not a code", func(a *booth.Application) { a.Lang = "English" }, booth.LangMissing},
		{"offered lang", func(a *booth.Application) { a.Lang = "zh-hant" }, ""},
		{"unknown problem code", flagged("looks_odd"), booth.PhotoCheckInvalid},
		{"too many problems", flagged(append(all, "blurry")...), booth.PhotoCheckInvalid},
	}
	for _, c := range cases {
		a := storagetest.Application(1, jpeg)
		a.UUID = booth.NewUUID()
		c.mutate(a)
		if err := a.Validate(now); booth.CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// The booth's list of photo problem codes is the photo checker's: a code the checker makes and
// the intake does not know would be refused for good.
func TestPhotoProblemCodesAreTheCheckers(t *testing.T) {
	var want []string
	for _, c := range photo.Codes {
		want = append(want, string(c))
	}
	if got := booth.PhotoProblemCodes; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("booth.PhotoProblemCodes = %v, the checker's codes are %v", got, want)
	}
}

// A queued application as the intake receives it: a receipt as the queue makes them and a
// creation time the receiver's clock finds plausible; the birth date is judged on that day.
func TestValidateQueued(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	jpeg := storagetest.Photo(600, 800, 0, 1)
	cases := []struct {
		name   string
		mutate func(*booth.Application)
		want   booth.Code
	}{
		{"valid", func(*booth.Application) {}, ""},
		{"no uuid", func(a *booth.Application) { a.UUID = "" }, booth.UUIDInvalid},
		{"no receipt", func(a *booth.Application) { a.Receipt = "" }, booth.ReceiptInvalid},
		{"lower-case receipt", func(a *booth.Application) { a.Receipt = "abcd-efgh" }, booth.ReceiptInvalid},
		{"receipt with a letter people confuse", func(a *booth.Application) { a.Receipt = "ABCD-EFG0" }, booth.ReceiptInvalid},
		{"100 KB receipt", func(a *booth.Application) { a.Receipt = strings.Repeat("A", 100_000) }, booth.ReceiptInvalid},
		{"no creation time", func(a *booth.Application) { a.CreatedAt = time.Time{} }, booth.CreatedAtInvalid},
		{"clock 9 minutes fast", func(a *booth.Application) { a.CreatedAt = now.Add(9 * time.Minute) }, ""},
		{"clock 11 minutes fast", func(a *booth.Application) { a.CreatedAt = now.Add(11 * time.Minute) }, booth.CreatedAtInvalid},
		{"decades ahead, born then", func(a *booth.Application) {
			a.CreatedAt, a.BirthDate = now.AddDate(30, 0, 0), booth.Date{Year: 2040, Month: 1, Day: 1}
		}, booth.CreatedAtInvalid},
		{"offline 11 months", func(a *booth.Application) { a.CreatedAt = now.AddDate(0, -11, 0) }, ""},
		{"offline 2 years", func(a *booth.Application) { a.CreatedAt = now.AddDate(-2, 0, 0) }, booth.CreatedAtInvalid},
		{"born after it was created", func(a *booth.Application) {
			a.CreatedAt, a.BirthDate = now.Add(-48*time.Hour), booth.Date{Year: 2026, Month: 3, Day: 31}
		}, booth.BirthDateFuture},
	}
	for _, c := range cases {
		a := storagetest.Application(1, jpeg)
		a.UUID, a.Receipt, a.CreatedAt = booth.NewUUID(), "7KQ4-M2XH", now.Add(-time.Minute)
		c.mutate(a)
		if err := a.ValidateQueued(now); booth.CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
