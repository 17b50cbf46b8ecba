package qr

import "strings"

// Last4 returns the last four characters of an application ID, the only part the kiosk shows.
func Last4(id string) string {
	if len(id) <= 4 {
		return id
	}
	return id[len(id)-4:]
}

// Mask hides all but the last four digits of an ID, keeping the 3-4-4-4-4-4 grouping printed on
// the form so the resident recognises it: "***-****-****-****-****-0955".
func Mask(id string) string {
	if len(id) <= 4 {
		return strings.Repeat("*", len(id))
	}
	var b strings.Builder
	n := len(id)
	for i := 0; i < n; i++ {
		if i > 0 && (n-i)%4 == 0 {
			b.WriteByte('-')
		}
		if i < n-4 {
			b.WriteByte('*')
		} else {
			b.WriteByte(id[i])
		}
	}
	return b.String()
}
