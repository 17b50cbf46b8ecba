// Package fleet is the operator's view of the booths: their last status reports, the alerts
// they raise (a booth silent for over a day, a printer or camera in error, failed or old
// queue entries) and the applications received per day, served as a web page behind the
// operator's login (dashboard.go).
package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/idbooth/idbooth/upload"
)

// Booth is one booth as the intake knows it.
type Booth struct {
	ID string
	// Registered: it has its own token (idbooth-intake booth add); Revoked: that token is
	// refused.
	Registered, Revoked bool
	// LastSeen is when its last status report arrived (intake's clock); zero: never.
	LastSeen time.Time
	// Status is that report; nil: never reported.
	Status *upload.BoothStatus
}

// Reported sets b's last status report, as stored (JSON), received at seen.
func (b *Booth) Reported(seen time.Time, report []byte) error {
	b.LastSeen = seen
	b.Status = new(upload.BoothStatus)
	if err := json.Unmarshal(report, b.Status); err != nil {
		return fmt.Errorf("fleet: status of %s: %w", b.ID, err)
	}
	return nil
}

// Day is the number of applications received on one day (intake's time zone).
type Day struct {
	Date  time.Time
	Count int
}

// Source is where the dashboard reads from: the intake's database.
type Source interface {
	Booths(ctx context.Context) ([]Booth, error)
	// PerDay counts the applications received on each of the days days ending with today
	// (the day of now), oldest first, days without any included.
	PerDay(ctx context.Context, days int, now time.Time) ([]Day, error)
}

// Days are the days days ending with the day of now, in now's time zone, oldest first, with
// no counts yet: what Source.PerDay fills in.
func Days(days int, now time.Time) []Day {
	y, m, d := now.Date()
	first := time.Date(y, m, d-(days-1), 0, 0, 0, 0, now.Location())
	out := make([]Day, days)
	for i := range out {
		out[i].Date = first.AddDate(0, 0, i)
	}
	return out
}

// SilentAfter is how long a booth may go without reporting before it is flagged.
const SilentAfter = 24 * time.Hour

// BacklogAfter is how old the oldest unsent application may get before it is flagged.
const BacklogAfter = 6 * time.Hour

// Alert codes (the page turns them into words).
const (
	AlertSilent        = "silent"
	AlertNeverReported = "never_reported"
	AlertRevoked       = "revoked"
	AlertPrinter       = "printer"
	AlertCamera        = "camera"
	AlertFailed        = "failed"
	AlertBacklog       = "backlog"
)

// Alerts are what an operator should look at for booth b at now.
func Alerts(b Booth, now time.Time) []string {
	var out []string
	if b.Revoked {
		return []string{AlertRevoked}
	}
	switch {
	case b.Status == nil:
		return []string{AlertNeverReported}
	case now.Sub(b.LastSeen) > SilentAfter:
		out = append(out, AlertSilent)
	}
	s := b.Status
	if s.Printer.State == upload.DeviceError {
		out = append(out, AlertPrinter)
	}
	if s.PhotoCheck.State == upload.DeviceError {
		out = append(out, AlertCamera)
	}
	if s.Queue.Failed > 0 {
		out = append(out, AlertFailed)
	}
	if time.Duration(s.OldestPendingSeconds)*time.Second > BacklogAfter {
		out = append(out, AlertBacklog)
	}
	return out
}
