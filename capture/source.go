// Package capture gets frames from a camera (or a stand-in for one) and checks ID photos.
//
// A Source delivers BGR frames as gocv.Mats. The kiosk reads one in a loop and hands each frame
// to the QR reader or to the live photo guidance.
package capture

import (
	"errors"

	"gocv.io/x/gocv"
)

// Errors a Source reports instead of blocking. Both are recoverable with Reopen.
var (
	// ErrEndOfStream: a video file ended.
	ErrEndOfStream = errors.New("capture: end of stream")
	// ErrDisconnected: the camera stopped delivering frames (unplugged, busy, driver error).
	ErrDisconnected = errors.New("capture: camera disconnected")
)

// A Source delivers camera frames.
type Source interface {
	// Read stores the next frame into dst (BGR, 8-bit, 3 channels). It returns ErrEndOfStream or
	// ErrDisconnected (wrapped) when no frame can come without Reopen, and never blocks for more
	// than about a frame interval plus the device timeout.
	Read(dst *gocv.Mat) error
	// Reopen closes and opens the underlying device or file again, e.g. after a replug.
	Reopen() error
	// Name describes the source for operators ("camera 0", "demo", a file name).
	Name() string
	Close() error
}
