package booth

// GuessableDigits reports whether a PIN of digits is one of the first tried by anyone guessing:
// one digit repeated (0000, 777777) or an ascending or descending run (1234, 876543). It is the
// one home of this rule for the card's 4-digit PINs and the staff's sign-in PINs.
func GuessableDigits(pin string) bool {
	if len(pin) < 2 {
		return len(pin) == 1
	}
	up, down, same := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		up, down, same = up && d == 1, down && d == -1, same && d == 0
	}
	return up || down || same
}
