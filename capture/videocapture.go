package capture

import (
	"fmt"
	"sync"

	"gocv.io/x/gocv"
)

// Camera is a V4L2 video device (a USB webcam or a booth camera) read through OpenCV.
type Camera struct {
	mu     sync.Mutex
	device int
	width  int
	height int
	vc     *gocv.VideoCapture
}

// OpenCamera opens /dev/video<device> and asks for width×height (the driver may pick the nearest
// mode it has; frames come at whatever size the camera delivers).
func OpenCamera(device, width, height int) (*Camera, error) {
	c := &Camera{device: device, width: width, height: height}
	if err := c.open(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Camera) open() error {
	vc, err := gocv.VideoCaptureDeviceWithAPI(c.device, gocv.VideoCaptureV4L2)
	if err != nil || !vc.IsOpened() {
		if vc != nil {
			vc.Close()
		}
		return fmt.Errorf("%w: cannot open /dev/video%d (not present, or in use by another program)", ErrDisconnected, c.device)
	}
	if c.width > 0 && c.height > 0 {
		vc.Set(gocv.VideoCaptureFrameWidth, float64(c.width))
		vc.Set(gocv.VideoCaptureFrameHeight, float64(c.height))
	}
	// Keep at most one frame queued in the driver, so the preview shows now, not a second ago.
	vc.Set(gocv.VideoCaptureBufferSize, 1)
	c.vc = vc
	return nil
}

func (c *Camera) Read(dst *gocv.Mat) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vc == nil {
		return fmt.Errorf("%w: camera %d is closed", ErrDisconnected, c.device)
	}
	if !c.vc.Read(dst) || dst.Empty() {
		return fmt.Errorf("%w: camera %d delivered no frame", ErrDisconnected, c.device)
	}
	return nil
}

func (c *Camera) Reopen() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
	return c.open()
}

func (c *Camera) Name() string { return fmt.Sprintf("camera %d", c.device) }

func (c *Camera) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
	return nil
}

func (c *Camera) closeLocked() {
	if c.vc != nil {
		c.vc.Close()
		c.vc = nil
	}
}

// VideoFile plays a recorded video as if it were a camera: for demos, and for replaying a
// booth's problem in the office. At the end it reports ErrEndOfStream; Reopen starts it again.
type VideoFile struct {
	mu   sync.Mutex
	path string
	vc   *gocv.VideoCapture
}

// OpenVideoFile opens a video file that OpenCV's FFmpeg backend can read.
func OpenVideoFile(path string) (*VideoFile, error) {
	v := &VideoFile{path: path}
	if err := v.open(); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *VideoFile) open() error {
	// FFmpeg only: the other backends (GStreamer, image sequences) guess at any path and log noise.
	vc, err := gocv.VideoCaptureFileWithAPI(v.path, gocv.VideoCaptureFFmpeg)
	if err != nil || !vc.IsOpened() {
		if vc != nil {
			vc.Close()
		}
		return fmt.Errorf("capture: cannot open video %s: not a video file OpenCV can read", v.path)
	}
	v.vc = vc
	return nil
}

func (v *VideoFile) Read(dst *gocv.Mat) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.vc == nil {
		return fmt.Errorf("%w: %s is closed", ErrEndOfStream, v.path)
	}
	if !v.vc.Read(dst) || dst.Empty() {
		return fmt.Errorf("%w: %s", ErrEndOfStream, v.path)
	}
	return nil
}

func (v *VideoFile) Reopen() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closeLocked()
	return v.open()
}

func (v *VideoFile) Name() string { return v.path }

func (v *VideoFile) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closeLocked()
	return nil
}

func (v *VideoFile) closeLocked() {
	if v.vc != nil {
		v.vc.Close()
		v.vc = nil
	}
}
