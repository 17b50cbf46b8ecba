package flow

import (
	"strconv"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// BirthEntry is the date of birth as the resident types it on the keypad: 8 digits YYYYMMDD
// in the Western calendar, or an era and 6 digits YYMMDD (昭和 40 06 15). A keyboard's 8
// digits are always Western (DESIGN §7).
type BirthEntry struct {
	// Era is the Japanese era chosen, or "" for the Western calendar.
	Era    booth.Era
	Digits string
}

// Slots is how many digits the current calendar takes.
func (b *BirthEntry) Slots() int {
	if b.Era != "" {
		return 6
	}
	return 8
}

// Complete reports whether every slot is filled.
func (b *BirthEntry) Complete() bool { return len(b.Digits) == b.Slots() }

// Parts splits the digits typed so far into year, month and day (each possibly partial).
func (b *BirthEntry) Parts() (y, m, d string) {
	yl := 4
	if b.Era != "" {
		yl = 2
	}
	s := b.Digits
	cut := func(n int) string {
		n = min(n, len(s))
		p := s[:n]
		s = s[n:]
		return p
	}
	return cut(yl), cut(2), cut(2)
}

func (b *BirthEntry) add(d byte) {
	if len(b.Digits) < b.Slots() {
		b.Digits += string(d)
	}
}

func (b *BirthEntry) backspace() {
	if n := len(b.Digits); n > 0 {
		b.Digits = b.Digits[:n-1]
	}
}

// setEra switches the calendar. Digits typed for the other calendar are kept when they make
// sense there (the same date), otherwise cleared: a resident who switches has not finished.
func (b *BirthEntry) setEra(e booth.Era, now time.Time) {
	if e == b.Era {
		return
	}
	d, err := b.Date(now)
	b.Era, b.Digits = e, ""
	if err != nil {
		return
	}
	if e == "" {
		b.Digits = d.String()[0:4] + d.String()[5:7] + d.String()[8:10]
		return
	}
	if era, y, ok := booth.EraOf(d); ok && era == e && y < 100 {
		b.Digits = pad2(y) + d.String()[5:7] + d.String()[8:10]
	}
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Date is the entered date once complete, checked against the birth-date rules on the day of
// now; an error (a *booth.Error) says what is wrong.
func (b *BirthEntry) Date(now time.Time) (booth.Date, error) {
	if !b.Complete() {
		return booth.Date{}, &booth.Error{Code: booth.BirthDateInvalid, Detail: "incomplete"}
	}
	ys, ms, ds := b.Parts()
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	var date booth.Date
	if b.Era != "" {
		var err error
		if date, err = booth.FromEra(b.Era, y, time.Month(m), d); err != nil {
			return booth.Date{}, err
		}
	} else {
		var ok bool
		if date, ok = booth.NewDate(y, time.Month(m), d); !ok {
			return booth.Date{}, &booth.Error{Code: booth.BirthDateInvalid, Detail: "not a calendar date"}
		}
	}
	return date, booth.CheckBirthDate(date, now)
}

func (b *BirthEntry) wipe() { *b = BirthEntry{} }
