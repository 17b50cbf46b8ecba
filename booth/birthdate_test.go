package booth_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
)

func TestCheckBirthDate(t *testing.T) {
	// 08:30 in Tokyo on 29 November 2026 is still the 28th in UTC.
	now := time.Date(2026, 11, 28, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want booth.Code
	}{
		{"1985-06-15", ""},
		{"2026-11-29", ""}, // born today in Japan: a newborn's card
		{"2026-11-30", booth.BirthDateFuture},
		{"1896-11-29", ""}, // exactly 130 years
		{"1896-11-28", booth.BirthDateImplausible},
		{"2000-02-29", ""},
		{"1999-02-29", booth.BirthDateInvalid},
		{"1990-13-01", booth.BirthDateInvalid},
		{"1990-1-01", booth.BirthDateInvalid},
		{"19900101", booth.BirthDateInvalid},
		{"", booth.BirthDateInvalid},
	}
	for _, c := range cases {
		_, err := booth.ParseBirthDate(c.in, now)
		if booth.CodeOf(err) != c.want || (c.want == "") != (err == nil) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
	if err := booth.CheckBirthDate(booth.Date{Year: 1990, Month: 2, Day: 30}, now); booth.CodeOf(err) != booth.BirthDateInvalid {
		t.Errorf("30 February: %v", err)
	}
}

func TestDateJSON(t *testing.T) {
	b, err := json.Marshal(struct{ D booth.Date }{booth.Date{Year: 1985, Month: 6, Day: 5}})
	if err != nil || string(b) != `{"D":"1985-06-05"}` {
		t.Fatalf("%s %v", b, err)
	}
	var back struct{ D booth.Date }
	if err := json.Unmarshal(b, &back); err != nil || back.D != (booth.Date{Year: 1985, Month: 6, Day: 5}) {
		t.Fatalf("%+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"1985-02-30"}`), &back); err == nil {
		t.Fatal("30 February accepted")
	}
}

func TestEras(t *testing.T) {
	cases := []struct {
		era      booth.Era
		y        int
		m        time.Month
		d        int
		want     string
		wantCode booth.Code
	}{
		{booth.Showa, 40, 6, 15, "1965-06-15", ""},
		{booth.Showa, 1, 12, 25, "1926-12-25", ""},
		{booth.Showa, 1, 12, 24, "", booth.EraDateInvalid}, // still Taisho 15
		{booth.Taisho, 15, 12, 24, "1926-12-24", ""},
		{booth.Showa, 64, 1, 7, "1989-01-07", ""},
		{booth.Showa, 64, 1, 8, "", booth.EraDateInvalid}, // Heisei 1
		{booth.Heisei, 1, 1, 8, "1989-01-08", ""},
		{booth.Heisei, 31, 4, 30, "2019-04-30", ""},
		{booth.Heisei, 31, 5, 1, "", booth.EraDateInvalid},
		{booth.Reiwa, 1, 5, 1, "2019-05-01", ""},
		{booth.Reiwa, 8, 11, 29, "2026-11-29", ""},
		{booth.Reiwa, 0, 5, 1, "", booth.EraDateInvalid},
		{booth.Heisei, 4, 2, 30, "", booth.EraDateInvalid},
		{"meiji", 40, 1, 1, "", booth.EraDateInvalid},
	}
	for _, c := range cases {
		d, err := booth.FromEra(c.era, c.y, c.m, c.d)
		if booth.CodeOf(err) != c.wantCode || (err == nil && d.String() != c.want) {
			t.Errorf("%s %d-%d-%d: %v %v, want %s %s", c.era, c.y, c.m, c.d, d, err, c.want, c.wantCode)
			continue
		}
		if err == nil {
			// And back again.
			if e, y, ok := booth.EraOf(d); !ok || e != c.era || y != c.y {
				t.Errorf("EraOf(%s) = %s %d %v", d, e, y, ok)
			}
		}
	}
	if _, _, ok := booth.EraOf(booth.Date{Year: 1900, Month: 1, Day: 1}); ok {
		t.Error("1900 has an era here")
	}
}
