package booth

// ValidIndividualNumber reports whether s is a 12-digit Individual Number (My Number) whose
// check digit is right (DESIGN §1): the first 11 digits weighted 6,5,4,3,2,7,6,5,4,3,2 from the
// left, r = sum mod 11, check digit 0 when r ≤ 1, else 11 − r. A counter may validate one a
// clerk types; it is never stored or logged.
func ValidIndividualNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	weights := [11]int{6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
		if i < 11 {
			sum += int(c-'0') * weights[i]
		}
	}
	check := 0
	if r := sum % 11; r > 1 {
		check = 11 - r
	}
	return int(s[11]-'0') == check
}
