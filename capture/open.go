package capture

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Open turns an operator's --camera setting into a Source:
//
//	"auto"          the first V4L2 camera if there is one, else the demo
//	"0", "1", ...   /dev/video<N>
//	"/dev/videoN"   the same, by path
//	"demo"          a generated application form moving in front of a virtual camera
//	a directory     its images in turn (StillDir)
//	a file          a video file
func Open(spec string) (Source, error) {
	switch {
	case spec == "" || spec == "auto":
		if _, err := os.Stat("/dev/video0"); err == nil {
			if cam, err := OpenCamera(0, 1280, 720); err == nil {
				return cam, nil
			}
		}
		return OpenDemo(DemoOptions{})
	case spec == "demo":
		return OpenDemo(DemoOptions{})
	}
	if n, err := strconv.Atoi(spec); err == nil && n >= 0 {
		return OpenCamera(n, 1280, 720)
	}
	if rest, ok := strings.CutPrefix(spec, "/dev/video"); ok {
		if n, err := strconv.Atoi(rest); err == nil {
			return OpenCamera(n, 1280, 720)
		}
	}
	st, err := os.Stat(spec)
	if err != nil {
		return nil, fmt.Errorf("capture: camera %q: not a device number, \"demo\", a directory or a video file: %w", spec, err)
	}
	if st.IsDir() {
		return OpenStillDir(spec, 0)
	}
	return OpenVideoFile(spec)
}
