package booth

import "time"

// An Era is a Japanese calendar era (元号). Many residents, the elderly above all, know their
// date of birth as 昭和40年… rather than 1965: the kiosk accepts both.
type Era string

// The eras a living applicant can be born in, oldest first.
const (
	Taisho Era = "taisho" // 大正
	Showa  Era = "showa"  // 昭和
	Heisei Era = "heisei" // 平成
	Reiwa  Era = "reiwa"  // 令和
)

// Eras lists the eras, oldest first.
var Eras = []Era{Taisho, Showa, Heisei, Reiwa}

// eraStart is the first day of each era; an era ends the day before the next one starts.
var eraStart = map[Era]Date{
	Taisho: {1912, time.July, 30},
	Showa:  {1926, time.December, 25},
	Heisei: {1989, time.January, 8},
	Reiwa:  {2019, time.May, 1},
}

// Start is the era's first day.
func (e Era) Start() Date { return eraStart[e] }

// Valid reports whether e is one of Eras.
func (e Era) Valid() bool { _, ok := eraStart[e]; return ok }

// next returns the era after e ("" for the current one).
func (e Era) next() Era {
	for i, x := range Eras {
		if x == e && i+1 < len(Eras) {
			return Eras[i+1]
		}
	}
	return ""
}

// FromEra converts an era date (its 1st year is 元年) to the Western calendar. The day must
// fall within the era: 昭和64年1月7日 exists, 昭和64年1月8日 is 平成元年1月8日.
func FromEra(e Era, year int, month time.Month, day int) (Date, error) {
	start, ok := eraStart[e]
	if !ok {
		return Date{}, fail(EraDateInvalid, "unknown era %q", e)
	}
	d, ok := NewDate(start.Year+year-1, month, day)
	if !ok || year < 1 {
		return Date{}, fail(EraDateInvalid, "not a calendar date")
	}
	if d.Before(start) {
		return Date{}, fail(EraDateInvalid, "before the era began")
	}
	if n := e.next(); n != "" && !d.Before(eraStart[n]) {
		return Date{}, fail(EraDateInvalid, "after the era ended")
	}
	return d, nil
}

// EraOf returns the era of d and its year within it (1 for 元年); ok is false before Taisho.
func EraOf(d Date) (e Era, year int, ok bool) {
	for i := len(Eras) - 1; i >= 0; i-- {
		if s := eraStart[Eras[i]]; !d.Before(s) {
			return Eras[i], d.Year - s.Year + 1, true
		}
	}
	return "", 0, false
}
