package main

import (
	"context"
	"log/slog"
	"regexp"
	"time"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

// boothStatus is the booth's health report (upload.BoothStatus): queue counts and the age of
// its oldest unsent application, the app's version. The sync process does not see the camera
// or the printer: their states are "unknown" here.
func boothStatus(st storage.Stats, now time.Time) *upload.BoothStatus {
	s := &upload.BoothStatus{
		AppVersion: statusVersion(appVersion()),
		Queue:      upload.QueueDepth{Pending: st.Pending, Sending: st.Sending, Sent: st.Sent, Failed: st.Failed},
		PhotoCheck: upload.Device{State: upload.DeviceUnknown},
		Printer:    upload.Device{State: upload.DeviceUnknown},
	}
	if !st.OldestUnsent.IsZero() {
		s.OldestPendingSeconds = max(0, int64(now.Sub(st.OldestUnsent)/time.Second))
	}
	return s
}

var notVersion = regexp.MustCompile(`[^A-Za-z0-9.+~_-]`)

// statusVersion fits a version string to the report's alphabet and length.
func statusVersion(v string) string {
	v = notVersion.ReplaceAllString(v, "_")
	return v[:min(len(v), 64)]
}

// reportStatus sends the booth's status once. A failure is only logged: the report is not the
// booth's business, the applications are.
func reportStatus(ctx context.Context, log *slog.Logger, client *upload.Client, store *storage.Store, boothID string) {
	st, err := store.Stats(ctx)
	if err == nil {
		err = client.PutStatus(ctx, boothID, boothStatus(st, time.Now()))
	}
	if err != nil && ctx.Err() == nil {
		log.Warn("sync: status report failed", "err", err)
	}
}
