package main

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"time"

	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

// boothStatus is the booth's health report (upload.BoothStatus): queue counts and the age of
// its oldest unsent application, the camera's and the printer's states and the app's version.
func boothStatus(st storage.Stats, camera, printer upload.Device, now time.Time) *upload.BoothStatus {
	s := &upload.BoothStatus{
		AppVersion: statusVersion(appVersion()),
		Queue:      upload.QueueDepth{Pending: st.Pending, Sending: st.Sending, Sent: st.Sent, Failed: st.Failed},
		PhotoCheck: camera,
		Printer:    printer,
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

// printerState asks the printer whether it is ready (nil: the booth has none, or one that
// cannot tell: "unknown"); only the kind of failure goes in the report.
func printerState(ctx context.Context, p slip.ReadyChecker) upload.Device {
	if p == nil {
		return upload.Device{State: upload.DeviceUnknown}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := p.Ready(ctx)
	d := upload.Device{State: upload.DeviceOK, At: time.Now().UTC()}
	switch {
	case errors.Is(err, slip.ErrPaperOut):
		d.State, d.Code = upload.DeviceError, "paper_out"
	case err != nil:
		d.State, d.Code = upload.DeviceError, "unavailable"
	}
	return d
}

// reportStatus sends the booth's status once, with the camera's state as the kiosk last saw it
// (camera nil: a sync process on its own, which does not see it: "unknown"). A failure is only
// logged: the report is not the booth's business, the applications are.
func reportStatus(ctx context.Context, log *slog.Logger, client *upload.Client, store *storage.Store,
	camera *upload.CameraState, printer slip.ReadyChecker, boothID string) {
	st, err := store.Stats(ctx)
	if err == nil {
		err = client.PutStatus(ctx, boothID, boothStatus(st, camera.Device(), printerState(ctx, printer), time.Now()))
	}
	if err != nil && ctx.Err() == nil {
		log.Warn("sync: status report failed", "err", err)
	}
}
