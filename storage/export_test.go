package storage

// SetDueCountCap lowers the bound of Stats' due counts so that a test reaches every branch
// with a few entries; it returns the function that restores it.
func SetDueCountCap(n int) (restore func()) {
	old := dueCountCap
	dueCountCap = n
	return func() { dueCountCap = old }
}
