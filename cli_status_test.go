package main

import (
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/slip/escpostest"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/fleet"
)

// TestSyncReportsTheBoothsStatus: `idbooth sync --once` also reports the booth's status to the
// intake, which lists the booth with its queue and version; the report holds no personal data.
func TestSyncReportsTheBoothsStatus(t *testing.T) {
	e := newQueueTestEnv(t)
	e.queueWith(t, 2)
	srv, held := startTestIntake(t)
	if code, out, errOut := e.idbooth(t, "sync", "--once", "--intake", srv.URL, "--token", intakeToken, "--booth", "shibuya-07"); code != exitOK {
		t.Fatalf("sync: exit %d %s %s", code, out, errOut)
	}
	booths, err := held.Booths(t.Context())
	if err != nil || len(booths) != 1 {
		t.Fatalf("booths: %+v %v", booths, err)
	}
	b := booths[0]
	if b.ID != "shibuya-07" || b.Status == nil || b.Status.Queue.Sent != 2 || b.Status.Queue.Pending != 0 ||
		b.Status.AppVersion == "" || b.LastSeen.IsZero() {
		t.Fatalf("booth as the intake sees it: %+v %+v", b, b.Status)
	}
}

func TestStatusVersionFitsTheReport(t *testing.T) {
	if got := statusVersion("1.2.3 (dirty) é"); got != "1.2.3__dirty___" {
		t.Fatalf("%q", got)
	}
	if got := statusVersion(strings.Repeat("9", 100)); len(got) != 64 {
		t.Fatalf("%d characters", len(got))
	}
}

// TestPrinterStateInTheReport: the report says the printer's state by kind only, from the
// printer itself (an ESC/POS printer whose roll runs out, a folder of PDF slips).
func TestPrinterStateInTheReport(t *testing.T) {
	fake := escpostest.New()
	p := &slip.ESCPOS{Addr: fake.Listen(t), Timeout: 5 * time.Second}
	if d := printerState(t.Context(), p); d.State != upload.DeviceOK || d.Code != "" {
		t.Fatalf("printer with paper: %+v", d)
	}
	fake.SetPaperOut(true)
	if d := printerState(t.Context(), p); d.State != upload.DeviceError || d.Code != "paper_out" {
		t.Fatalf("printer out of paper: %+v", d)
	}
	missing := &slip.PDFFile{Path: filepath.Join(t.TempDir(), "gone", "slip.pdf")}
	if d := printerState(t.Context(), missing); d.State != upload.DeviceError || d.Code != "unavailable" {
		t.Fatalf("PDF folder missing: %+v", d)
	}
	if d := printerState(t.Context(), nil); d.State != upload.DeviceUnknown {
		t.Fatalf("no printer: %+v", d)
	}
	st := boothStatus(storage.Stats{Pending: 1}, upload.Device{State: upload.DeviceUnknown}, printerState(t.Context(), p), time.Now())
	if err := st.Validate(); err != nil {
		t.Fatalf("the report breaks the contract: %v", err)
	}
}

// TestKioskReportsTheCameraState: the kiosk's sync reports the camera as the kiosk recorded it,
// the intake stores what it was sent, and the fleet dashboard raises the camera alert while the
// camera fails and drops it once frames come and a photo check passed.
func TestKioskReportsTheCameraState(t *testing.T) {
	e := newQueueTestEnv(t)
	store, err := storage.Open(t.Context(), storage.Config{Path: e.db, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, held := startTestIntake(t)
	client, err := upload.NewClient(upload.ClientConfig{URL: srv.URL, Token: intakeToken})
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, nil))
	reported := func(camera *upload.CameraState) fleet.Booth {
		t.Helper()
		reportStatus(t.Context(), log, client, store, camera, nil, "ueno-02")
		booths, err := held.Booths(t.Context())
		if err != nil || len(booths) != 1 || booths[0].Status == nil {
			t.Fatalf("booths: %+v %v; log: %s", booths, err, logged.String())
		}
		return booths[0]
	}
	hasCameraAlert := func(b fleet.Booth) bool { return slices.Contains(fleet.Alerts(b, time.Now()), fleet.AlertCamera) }

	camera := &upload.CameraState{}
	camera.Failed(time.Now(), upload.CameraMissing)
	b := reported(camera)
	if d := b.Status.PhotoCheck; d.State != upload.DeviceError || d.Code != "no_camera" || d.At.IsZero() || !hasCameraAlert(b) {
		t.Fatalf("a failing camera as the intake has it: %+v, alerts %v", d, fleet.Alerts(b, time.Now()))
	}
	checked := time.Now().UTC().Truncate(time.Second)
	camera.Frame(checked)
	camera.Checked(checked, "")
	b = reported(camera)
	if d := b.Status.PhotoCheck; d.State != upload.DeviceOK || d.Code != "" || !d.At.Equal(checked) || hasCameraAlert(b) {
		t.Fatalf("a working camera after a passed check: %+v, alerts %v", d, fleet.Alerts(b, time.Now()))
	}
	// `idbooth sync` on its own does not see the camera.
	if b = reported(nil); b.Status.PhotoCheck.State != upload.DeviceUnknown {
		t.Fatalf("without the kiosk: %+v", b.Status.PhotoCheck)
	}
}
