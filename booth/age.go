package booth

// AgeOn is the age in whole years on the given day. Under Japan's Act on the Calculation of
// Age, a year is completed when the day before the birthday ends, which is the birthday itself:
// the usual count. Someone born on 29 February is a year older on 1 March in other years.
func (d Date) AgeOn(day Date) int {
	age := day.Year - d.Year
	if day.Month < d.Month || (day.Month == d.Month && day.Day < d.Day) {
		age--
	}
	return age
}
