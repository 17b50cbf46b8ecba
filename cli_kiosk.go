package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"github.com/BurntSushi/toml"

	"github.com/idbooth/idbooth/app"
	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/app/voice"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/scanner"
	"github.com/idbooth/idbooth/config"
	"github.com/idbooth/idbooth/internal/cmem"
	"github.com/idbooth/idbooth/internal/systemd"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

// fyneAppToml is the app's metadata; `go build` (unlike `fyne package`) does not inject it.
//
//go:embed FyneApp.toml
var fyneAppToml []byte

// processStart is when the process started, near enough: package initialisation.
var processStart = time.Now()

func init() {
	commands["kiosk"] = command{summary: "start the kiosk (the default when no command is given)", run: runKiosk}
}

// kioskFlags are the kiosk's settings; operator mode writes the ones it edits back to the
// config file under the same names.
type kioskFlags struct {
	camera, boothID, boothName, languages, printer, statusURL string
	intake, token, caFile, pinHash                            string
	mode, scanner, scannerOptions, importDir                  string
	idle                                                      time.Duration
	photoSheet, windowed, highContrast, largeType             bool
	voice                                                     yesNo
	volume                                                    int
}

func runKiosk(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "kiosk", "[--camera auto|demo|N|DIR|VIDEO] [--printer NAME|pdf:DIR|none] [--intake URL --token T] [--windowed]")
	var f kioskFlags
	fs.StringVar(&f.camera, "camera", "auto", "camera: auto (first webcam, else demo), demo, a V4L2 device number, a folder of images, or a video file")
	fs.BoolVar(&f.windowed, "windowed", false, "run in a window instead of full screen (development)")
	fs.StringVar(&f.boothID, "booth", hostname(), "booth ID (on every application and slip)")
	fs.StringVar(&f.boothName, "booth-name", "", "booth name printed on the slip")
	fs.StringVar(&f.languages, "languages", strings.Join(assets.Offered, ","), "languages offered to residents, comma-separated")
	fs.DurationVar(&f.idle, "idle-timeout", 0, "without a touch for this long, ask \"are you still there?\", then wipe the session (default 60s; 5m in counter mode)")
	fs.BoolVar(&f.photoSheet, "photo-sheet", false, "offer the ID-photo sheet on the thank-you screen")
	fs.StringVar(&f.printer, "printer", "", "slip printer: a CUPS queue, escpos://HOST:PORT, escpos:/dev/usb/lp0, pdf:DIR (PDF files), none; default pdf:<data dir>/slips")
	fs.StringVar(&f.statusURL, "status-url", slip.DefaultStatusURL, "the status page the slip's QR code leads to")
	fs.StringVar(&f.intake, "intake", "", "intake server URL: sync in the background (env IDBOOTH_INTAKE_URL); none: offline only")
	fs.StringVar(&f.token, "token", "", "intake token (env IDBOOTH_INTAKE_TOKEN)")
	fs.StringVar(&f.caFile, "ca", "", "PEM file of CA certificates to trust for the intake")
	fs.StringVar(&f.pinHash, "operator-pin-hash", "", "argon2id hash of the operator PIN (set it with `idbooth pin`)")
	f.voice = true
	fs.Var(&f.voice, "voice", "spoken guidance at the start of each session: yes or no (residents switch it on screen)")
	fs.IntVar(&f.volume, "volume", 3, fmt.Sprintf("volume at the start of each session, 0 (silent) to %d", voice.MaxVolume))
	fs.BoolVar(&f.highContrast, "high-contrast", false, "start each session in high contrast (yellow on black)")
	fs.BoolVar(&f.largeType, "large-type", false, "start each session in large type")
	fs.StringVar(&f.mode, "mode", "kiosk", "kiosk (residents on their own) or counter (staff at a municipal counter: sign-in, identity verification, photo import)")
	fs.StringVar(&f.importDir, "import-dir", "", "counter mode: the folder whose newest image is imported as the photo")
	fs.StringVar(&f.scanner, "scanner", "", "counter mode: the SANE device that scans printed photos (scanimage -L lists them), auto for the first found; none when empty")
	fs.StringVar(&f.scannerOptions, "scanner-options", "", "counter mode: the scanner's own options, space-separated (--resolution=600 ...)")
	compactAfter := compactAfterFlag(fs)
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(env.stderr, "idbooth:", err)
		return exitUsage
	}
	if f.mode != "kiosk" && f.mode != "counter" {
		return fail(fmt.Errorf("--mode: %q is neither kiosk nor counter", f.mode))
	}
	if f.idle == 0 {
		f.idle = defaultIdleTimeout(f.mode)
	}
	startProfiler()
	// The live photo guidance allocates a few MB a frame and frees them at once: collect earlier
	// than Go's default (heap growth of 100%) so the kiosk's memory stays flat and small (DESIGN
	// §3: RSS ≤ 300 MB), for about 2% of a core.
	debug.SetGCPercent(50)
	cmem.ReturnLargeBlocks()
	meta, err := appMetadata()
	if err != nil {
		return fail(err)
	}
	settings, err := f.settings(common.lang)
	if err != nil {
		return fail(err)
	}
	lock, err := pin.NewLock(f.pinHash, nil)
	if err != nil {
		return fail(fmt.Errorf("--operator-pin-hash: %w", err))
	}
	if f.pinHash == "" {
		slog.Warn("no operator PIN: operator mode and staff overrides are closed until one is set with `idbooth pin`")
	}
	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, CompactAfter: compactAfter()})
	if err != nil {
		return fail(err)
	}
	defer store.Close()
	printer, err := openKioskPrinter(f.printer, f.statusURL)
	if err != nil {
		return fail(err)
	}
	camera := &upload.CameraState{} // the kiosk records, the status report reads
	newSync := func(s app.Settings) (*upload.Worker, error) {
		return newSyncWorker(store, s, f.caFile, camera, printer)
	}
	var worker *upload.Worker
	if settings.IntakeURL != "" {
		if worker, err = newSync(settings); err != nil {
			return fail(err)
		}
	}
	src, err := capture.Open(f.camera)
	if err != nil {
		return fail(err)
	}
	var counter *app.Counter
	if f.mode == "counter" {
		var sc app.Scanner
		if f.scanner != "" {
			device := f.scanner
			if device == "auto" {
				device = ""
			}
			if sc, err = scanner.New(scanner.Config{Device: device, Options: strings.Fields(f.scannerOptions)}); err != nil {
				return fail(fmt.Errorf("--scanner-options: %w", err))
			}
		}
		counter = app.NewCounter(store, nil, sc, f.importDir)
	}
	cfgFile := config.SettingsFile()
	watchdog := systemd.NewWatchdog()
	slog.Info("kiosk starting", "mode", f.mode, "camera", src.Name(), "printer", printerName(printer), "intake", settings.IntakeURL != "",
		"windowed", f.windowed)
	err = app.Run(ctx, app.Options{
		Source: src, Camera: camera, Store: store, Printer: printer, Sync: worker, NewSync: newSync, PIN: lock,
		SetPIN:       func(h string) error { return config.Update(cfgFile, map[string]string{"operator-pin-hash": h}) },
		Settings:     settings,
		SaveSettings: func(s app.Settings) error { return config.Update(cfgFile, settingsValues(s)) },
		SpeechCache:  filepath.Join(config.DataDir(), "speech"),
		Windowed:     f.windowed, Metadata: meta,
		Alive: watchdog.Beat, Counter: counter,
		Ready: func() {
			// Operators and the start-up test read this line (budget: 2 s, DESIGN §3).
			slog.Info("kiosk ready", "startup_ms", time.Since(processStart).Milliseconds(), "version", appVersion())
			systemd.Ready()
			// Start-up (parsing fonts, loading models) leaves freed heap that the runtime would
			// return only slowly; hand it back now, once.
			go func() { time.Sleep(2 * time.Second); debug.FreeOSMemory() }()
		},
	})
	if err != nil {
		return fail(err)
	}
	return exitOK
}

func (f *kioskFlags) settings(lang string) (app.Settings, error) {
	s := app.Settings{BoothID: f.boothID, BoothName: f.boothName, Lang: assets.Messages(lang).Lang(), IdleTimeout: f.idle,
		PhotoSheet: f.photoSheet, IntakeURL: f.intake, IntakeToken: f.token, Camera: f.camera,
		Voice: bool(f.voice), Volume: f.volume, HighContrast: f.highContrast, LargeType: f.largeType}
	for _, l := range strings.Split(f.languages, ",") {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" {
			continue
		}
		if assets.Messages(l).Lang() != l {
			return s, fmt.Errorf("--languages: %q is not offered (%s)", l, strings.Join(assets.Offered, ","))
		}
		s.Languages = append(s.Languages, l)
	}
	switch {
	case len(s.Languages) == 0:
		return s, errors.New("--languages: none")
	case f.idle < 15*time.Second || f.idle > 10*time.Minute:
		return s, errors.New("--idle-timeout: between 15s and 10m")
	case f.boothID == "" || len(f.boothID) > booth.MaxBoothIDBytes:
		return s, errors.New("--booth: 1 to 100 bytes")
	case (f.intake == "") != (f.token == ""):
		return s, errors.New("--intake and --token go together")
	case f.volume < 0 || f.volume > voice.MaxVolume:
		return s, fmt.Errorf("--volume: 0 to %d", voice.MaxVolume)
	}
	return s, nil
}

// defaultIdleTimeout is how long a session waits for a touch before asking "are you still
// there?". A resident who walks off should not leave their data on screen for long; a clerk
// reads the resident's documents between keystrokes, and signing them out every minute would
// make them raise the timeout for every booth.
func defaultIdleTimeout(mode string) time.Duration {
	if mode == "counter" {
		return 5 * time.Minute
	}
	return 60 * time.Second
}

// settingsValues are the settings operator mode saves, under their flags' names.
func settingsValues(s app.Settings) map[string]string {
	return map[string]string{"booth": s.BoothID, "booth-name": s.BoothName, "languages": strings.Join(s.Languages, ","),
		"idle-timeout": s.IdleTimeout.String(), "photo-sheet": fmt.Sprint(s.PhotoSheet), "intake": s.IntakeURL,
		"token": s.IntakeToken, "camera": s.Camera, "voice": fmt.Sprint(s.Voice), "volume": fmt.Sprint(s.Volume),
		"high-contrast": fmt.Sprint(s.HighContrast), "large-type": fmt.Sprint(s.LargeType)}
}

// newSyncWorker makes the kiosk's sync worker; its status reports include the camera's state as
// the kiosk records it and the printer's state.
func newSyncWorker(store *storage.Store, s app.Settings, caFile string, camera *upload.CameraState, printer app.Printing) (*upload.Worker, error) {
	client, err := upload.NewClient(upload.ClientConfig{URL: s.IntakeURL, Token: s.IntakeToken, CAFile: caFile})
	if err != nil {
		return nil, err
	}
	ready, _ := printer.(slip.ReadyChecker)
	report := func(ctx context.Context) { reportStatus(ctx, slog.Default(), client, store, camera, ready, s.BoothID) }
	return &upload.Worker{Store: store, Target: client, Fatal: storage.IsFatal, Log: slog.Default(), Report: report}, nil
}

// openKioskPrinter reads --printer: none, a folder of PDFs (the default: in the data
// directory), or a printer slip.OpenPrinter takes.
func openKioskPrinter(spec, statusURL string) (app.Printing, error) {
	switch spec {
	case "none":
		return nil, nil
	case "":
		spec = "pdf:" + filepath.Join(config.DataDir(), "slips")
	}
	return slip.OpenBooth(spec, statusURL, slip.Options{})
}

func printerName(p app.Printing) string {
	if p == nil {
		return "none"
	}
	return p.String()
}

// appMetadata reads the embedded FyneApp.toml.
func appMetadata() (fyne.AppMetadata, error) {
	var f struct {
		Details struct {
			Name, ID, Version string
			Build             int
		}
	}
	if err := toml.Unmarshal(fyneAppToml, &f); err != nil {
		return fyne.AppMetadata{}, fmt.Errorf("FyneApp.toml: %w", err)
	}
	return fyne.AppMetadata{
		ID: f.Details.ID, Name: f.Details.Name, Version: f.Details.Version, Build: f.Details.Build,
		Icon: fyne.NewStaticResource("icon.png", assets.Icon),
	}, nil
}
