package storage

import "context"

// SetDueCountCap lowers the bound of Stats' due counts so that a test reaches every branch
// with a few entries; it returns the function that restores it.
func SetDueCountCap(n int) (restore func()) {
	old := dueCountCap
	dueCountCap = n
	return func() { dueCountCap = old }
}

// UsePreviousSchema makes Open know every migration but the newest, as the previous release
// did, until the returned function is called; it returns the names of the migrations.
func UsePreviousSchema() (all []string, restore func()) {
	all, _ = migrationNames()
	migrationLimit = len(all) - 1
	return all, func() { migrationLimit = 0 }
}

// BackupBeforeUpgrade is the backup Open takes before it changes a queue's schema.
func (s *Store) BackupBeforeUpgrade(ctx context.Context) (string, error) {
	return s.backupBeforeUpgrade(ctx, "before-upgrade")
}
