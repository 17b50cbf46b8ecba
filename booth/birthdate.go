package booth

import (
	"fmt"
	"time"
)

// JST is Japan Standard Time, the calendar every date of the application is judged in (a
// fixed zone: the rules must not depend on the machine's tzdata).
var JST = time.FixedZone("JST", 9*60*60)

// MaxAge is the oldest plausible applicant, in years.
const MaxAge = 130

// A Date is a calendar day, without a time or zone: a date of birth.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD and refuses days the calendar does not have (1990-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fail(BirthDateInvalid, "not a YYYY-MM-DD date")
	}
	return DateOf(t), nil
}

// DateOf is t's calendar day in t's own zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today is now's calendar day in Japan.
func Today(now time.Time) Date { return DateOf(now.In(JST)) }

// NewDate makes a date and reports whether the calendar has it.
func NewDate(year int, month time.Month, day int) (Date, bool) {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return DateOf(t), t.Year() == year && t.Month() == month && t.Day() == day
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String is YYYY-MM-DD, the form the queue and the wire keep.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText keeps a Date as YYYY-MM-DD in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// IsZero reports whether d is the zero Date (no date entered).
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.time().Before(e.time()) }

// CheckBirthDate applies the birth-date rules to d on the day of now (in Japan): a real date,
// not in the future, at most MaxAge years ago. It is the only home of these rules: the kiosk's
// keypad, `idbooth submit`, the queue and the intake all call it.
func CheckBirthDate(d Date, now time.Time) error {
	if _, ok := NewDate(d.Year, d.Month, d.Day); !ok || d.Year < 1 {
		return fail(BirthDateInvalid, "not a calendar date")
	}
	today := Today(now)
	if today.Before(d) {
		return fail(BirthDateFuture, "after today")
	}
	oldest := DateOf(today.time().AddDate(-MaxAge, 0, 0))
	if d.Before(oldest) {
		return fail(BirthDateImplausible, "more than %d years ago", MaxAge)
	}
	return nil
}

// ParseBirthDate reads YYYY-MM-DD and applies CheckBirthDate.
func ParseBirthDate(s string, now time.Time) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, err
	}
	return d, CheckBirthDate(d, now)
}
