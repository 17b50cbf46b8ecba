// Package app is the kiosk's Fyne user interface. It draws state kept in plain Go models and
// uses the other packages (capture, qr, ...); nothing imports app.
package app

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"gocv.io/x/gocv"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/qr"
)

// Options configure the kiosk.
type Options struct {
	Source   capture.Source // the camera; the kiosk closes it when it ends
	Lang     string         // the resident's language at start ("ja" unless the operator says otherwise)
	Windowed bool           // a normal window for development instead of full screen
	Metadata fyne.AppMetadata
	// Ready, when set, is called once the first screen is shown (tests and start-up timing).
	Ready func()
}

// frameInterval caps the preview at 25 fps: smooth for people, and it leaves CPU for the rest.
const frameInterval = 40 * time.Millisecond

// Run shows the kiosk and returns when the window is closed or ctx is cancelled.
func Run(ctx context.Context, opt Options) error {
	if opt.Source == nil {
		return errors.New("app: a camera source is required")
	}
	fyneapp.SetMetadata(opt.Metadata)
	a := fyneapp.NewWithID(opt.Metadata.ID)
	a.Settings().SetTheme(newKioskTheme())
	w := a.NewWindow(assets.Messages(opt.Lang).T("ui.title"))
	w.SetPadded(false)
	if opt.Windowed {
		w.Resize(fyne.NewSize(1280, 800))
	} else {
		w.SetFullScreen(true)
	}

	screen := newScanScreen(opt.Lang, time.Now)
	w.SetContent(screen.content)
	w.Canvas().SetOnTypedRune(screen.typedRune)
	w.Canvas().SetOnTypedKey(screen.typedKey)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); pumpFrames(ctx, opt.Source, screen) }()
	go func() { defer wg.Done(); tick(ctx, screen) }()
	go func() { <-ctx.Done(); fyne.Do(a.Quit) }()
	a.Lifecycle().SetOnStarted(func() {
		if opt.Ready != nil {
			opt.Ready()
		}
	})

	w.ShowAndRun()
	cancel()
	wg.Wait()
	screen.wipe()
	return opt.Source.Close()
}

// pumpFrames reads the camera, looks for the form QR and hands preview images to the screen.
// It runs on its own goroutine; everything it changes on screen goes through fyne.Do.
func pumpFrames(ctx context.Context, src capture.Source, s *scanScreen) {
	frame := gocv.NewMat()
	defer frame.Close()
	reader := qr.NewLive()
	defer reader.Close()
	conv := newPreviewConverter()
	defer conv.Close()
	var down bool
	next := time.Now()
	for ctx.Err() == nil {
		if wait := time.Until(next); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		next = time.Now().Add(frameInterval)

		if err := src.Read(&frame); err != nil {
			if !down {
				slog.Warn("camera stopped", "source", src.Name(), "err", err)
				down = true
				fyne.Do(s.cameraFailed)
			}
			// Give a replugged camera a moment, then try it again.
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			if err := src.Reopen(); err != nil {
				slog.Debug("camera reopen failed", "source", src.Name(), "err", err)
			}
			continue
		}
		if down {
			slog.Info("camera back", "source", src.Name())
			down = false
			fyne.Do(s.cameraOK)
		}
		var res qr.Result
		found := false
		if s.wantsFrames.Load() {
			res, found = reader.Scan(ctx, frame)
		}
		img := conv.Convert(frame, s.guide())
		fyne.Do(func() {
			s.showPreview(img)
			if found {
				s.feed(outcomeOf(res, true))
			}
		})
	}
}

// tick drives the screen's timeouts.
func tick(ctx context.Context, s *scanScreen) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fyne.Do(s.tick)
		}
	}
}

// atomicGuide passes the guide colour from the UI goroutine to the frame pump.
type atomicGuide struct{ v atomic.Value }

func (g *atomicGuide) store(s guideStyle) { g.v.Store(s) }
func (g *atomicGuide) load() guideStyle {
	if s, ok := g.v.Load().(guideStyle); ok {
		return s
	}
	return guideSearching
}
