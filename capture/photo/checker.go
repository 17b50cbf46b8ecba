// Package photo checks ID photos for the My Number Card (DESIGN §1): it finds the face, runs
// one measure per rule (single face, head covering, head in frame, head size and position,
// resolution, compression, eyes, yaw, pitch, roll, what covers the face, exposure, sharpness,
// plain background, shadow), chooses the 35:45 crop and encodes it as the JPEG that is
// submitted. It also gives live hints for preview frames.
//
// A Checker owns the loaded face model. Its methods are safe for concurrent use but run one
// at a time (a mutex guards the model); a kiosk needs one Checker.
package photo

import (
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/face"
	"github.com/idbooth/idbooth/capture/imagefile"
	"gocv.io/x/gocv"
)

// Options configure a Checker. The zero value is the product's default.
type Options struct {
	// OutputWidth×OutputHeight is the size of the submitted JPEG (default 827×1063, 35×45 mm at
	// 600 dpi). Both must lie within the upload limits (480–6000 px); the ratio is kept 35:45.
	OutputWidth int
	// Now is the clock of the live guidance (default time.Now); tests inject their own.
	Now func() time.Time
	// Logger receives operator diagnostics (no personal data); default slog.Default().
	Logger *slog.Logger
	// AllowReligiousCovering lets a religious or medical head covering pass when it leaves the
	// face outline from chin to forehead visible (J-LIS; an operator option, default off).
	AllowReligiousCovering bool
}

// DefaultWidth is the width of the submitted JPEG: 35 mm at 600 dpi. The upload limits it must
// meet are the application's rules (booth.MinPhotoBytes ...).
const DefaultWidth = 827

func (o Options) withDefaults() (Options, error) {
	if o.OutputWidth == 0 {
		o.OutputWidth = DefaultWidth
	}
	if h := outputHeight(o.OutputWidth); o.OutputWidth < booth.MinPhotoSide || h > booth.MaxPhotoSide {
		return o, fmt.Errorf("photo: output width %d gives %dx%d, outside the upload limits %d–%d px",
			o.OutputWidth, o.OutputWidth, h, booth.MinPhotoSide, booth.MaxPhotoSide)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// outputHeight keeps 35:45 (827 → 1063).
func outputHeight(w int) int { return (w*45 + 17) / 35 }

// A Problem is one reason a photo is refused.
type Problem struct {
	Code Code `json:"code"`
	// Key and Args name the message that tells the resident what to do (assets/i18n/*/photo.json):
	// the UI and the CLI translate it in the resident's current language.
	Key  string `json:"-"`
	Args []any  `json:"-"`
	// Detail is the precise finding for operators (values and limits; no personal data).
	Detail string `json:"-"`
}

// FaceInfo describes the main face, in source pixels.
type FaceInfo struct {
	Box      Box     `json:"box"`
	Score    float64 `json:"score"`
	RightEye Pt      `json:"right_eye"` // the person's right eye (image left)
	LeftEye  Pt      `json:"left_eye"`
	Nose     Pt      `json:"nose"`
	Mouth    Pt      `json:"mouth"`
	// CrownY is the top of the hair (or covering) and ChinY the chin, as rows of the source.
	CrownY  int     `json:"crown_y"`
	ChinY   int     `json:"chin_y"`
	RollDeg float64 `json:"roll_deg"`
	YawDeg  float64 `json:"yaw_deg"`
	// Faces is how many faces that matter were found (1 for a good photo).
	Faces int `json:"faces"`
}

// A Box is a rectangle in source pixels.
type Box struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// A Pt is a point in source pixels.
type Pt struct {
	X int `json:"x"`
	Y int `json:"y"`
}

// A Result is the verdict on one still photo.
type Result struct {
	OK       bool      `json:"ok"`
	Problems []Problem `json:"problems"`
	// Face is nil when no face was found.
	Face *FaceInfo `json:"face,omitempty"`
	// Crop is the 35:45 crop in source pixels (empty without a face). When the photo is
	// refused it is still the crop the rules would want, possibly leaving the frame.
	Crop image.Rectangle `json:"crop"`
	// JPEG is the photo to submit: the crop, RGB, OutputWidth wide, within the upload limits.
	// It is made whenever a crop could be planned, even for a refused photo, so that an
	// operator can see what would have been sent.
	JPEG []byte `json:"-"`
	// Measurements are every measure's raw outcome, for operators and tuning.
	Measurements []Measurement `json:"measurements,omitempty"`
}

// Codes lists the codes of the result's problems, most important first.
func (r *Result) Codes() []Code {
	out := make([]Code, len(r.Problems))
	for i, p := range r.Problems {
		out[i] = p.Code
	}
	return out
}

// A Checker checks stills and guides live framing. It owns the face model: Close it.
type Checker struct {
	mu       sync.Mutex
	opts     Options
	detector *face.Detector
	search   *faceSearch
	measures []Measure
	guide    *guide
}

// NewChecker loads the face model.
func NewChecker(opts Options) (*Checker, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	det, err := face.NewDetector(face.Options{Relevance: relevantFaceSize})
	if err != nil {
		return nil, fmt.Errorf("photo: %w", err)
	}
	search, err := newFaceSearch()
	if err != nil {
		det.Close()
		return nil, fmt.Errorf("photo: %w", err)
	}
	c := &Checker{opts: opts, detector: det, search: search, measures: stillMeasures()}
	c.guide = newGuide(c)
	return c, nil
}

// Close releases the face model. The Checker must not be used afterwards.
func (c *Checker) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.detector != nil {
		c.detector.Close()
		c.detector = nil
		c.search.Close()
		c.guide.close()
	}
	return nil
}

// ErrClosed is returned by a Checker used after Close.
var ErrClosed = errors.New("photo: checker closed")

// CheckFile checks a photo file. An unreadable or unacceptable file (not a regular file, not an
// image, an unsupported format, CMYK, too large) gives a Result with the not_an_image problem;
// only an I/O error (missing file, permissions) is returned as an error.
func (c *Checker) CheckFile(path string) (*Result, error) {
	data, err := imagefile.Read(path, imagefile.MaxFileBytes)
	switch {
	case imagefile.Refused(err):
		return c.notAnImage(booth.MessageKey(err), err.Error()), nil
	case err != nil:
		return nil, fmt.Errorf("photo: %w", err)
	}
	return c.CheckBytes(data)
}

// CheckBytes checks an encoded photo (JPEG, PNG ...), as CheckFile does.
func (c *Checker) CheckBytes(data []byte) (*Result, error) {
	// DecodeImage turns an EXIF-oriented phone photo upright and refuses truncated JPEGs.
	img, info, err := capture.DecodeImage(data)
	defer img.Close()
	switch {
	case errors.Is(err, capture.ErrTooLarge):
		return c.notAnImage("photo.not_an_image.too_large", err.Error()), nil
	case err != nil:
		return c.notAnImage("photo.not_an_image", err.Error()), nil
	case info.CMYK:
		return c.notAnImage("photo.not_an_image.cmyk", "CMYK JPEG: the upload must be RGB"), nil
	}
	return c.check(img, &info)
}

// CheckStill checks a full-resolution camera still (BGR, 8-bit): every measure, the crop and
// its JPEG.
func (c *Checker) CheckStill(img gocv.Mat) (*Result, error) {
	if img.Empty() {
		return c.notAnImage("photo.not_an_image", "empty frame"), nil
	}
	return c.check(img, nil)
}

func (c *Checker) notAnImage(key, detail string) *Result {
	return &Result{Problems: []Problem{{Code: NotAnImage, Key: key, Detail: detail}}}
}

func (c *Checker) check(img gocv.Mat, info *capture.ImageInfo) (*Result, error) {
	if img.Type() != gocv.MatTypeCV8UC3 {
		return c.notAnImage("photo.not_an_image", fmt.Sprintf("pixel type %v, want 8-bit BGR", img.Type())), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.detector == nil {
		return nil, ErrClosed
	}
	faces, err := c.detector.Detect(img)
	if err == nil && len(faces) == 0 {
		faces, err = c.search.lookAgain(img)
	}
	if err != nil {
		return nil, fmt.Errorf("photo: %w", err)
	}
	s, err := newSession(img, faces, info, analyseStill, c.opts)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, m := range c.measures {
		mm := m.Measure(s)
		mm.Name = m.Name()
		res.Measurements = append(res.Measurements, mm)
		if mm.Failed {
			res.Problems = append(res.Problems, Problem{Code: mm.Code, Key: mm.Key, Args: mm.Args, Detail: mm.Detail})
		}
	}
	sort.SliceStable(res.Problems, func(i, j int) bool { return priority(res.Problems[i].Code) < priority(res.Problems[j].Code) })
	res.Problems = dedupe(res.Problems)
	res.OK = len(res.Problems) == 0
	if s.HasFace {
		res.Face = s.faceInfo()
		res.Crop = s.Plan.Rect()
		jpg, err := encodeCrop(img, s.Plan, c.opts.OutputWidth)
		switch {
		case err != nil && res.OK:
			return nil, err
		case err != nil:
			// A refused photo's crop is only for operators to look at.
			c.opts.Logger.Debug("photo: crop of a refused photo not encoded", "err", err)
		default:
			res.JPEG = jpg
		}
	}
	if !res.OK {
		c.opts.Logger.Debug("photo refused", "codes", res.Codes())
	}
	return res, nil
}

// dedupe keeps the first problem of each code.
func dedupe(ps []Problem) []Problem {
	seen := map[Code]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p.Code] {
			seen[p.Code] = true
			out = append(out, p)
		}
	}
	return out
}

func (s *Session) faceInfo() *FaceInfo {
	f := s.Face
	pt := func(p face.Point) Pt { return Pt{int(math.Round(p.X)), int(math.Round(p.Y))} }
	r := f.Rect()
	return &FaceInfo{
		Box: Box{r.Min.X, r.Min.Y, r.Dx(), r.Dy()}, Score: round(f.Score, 3),
		RightEye: pt(f.Landmarks[face.RightEye]), LeftEye: pt(f.Landmarks[face.LeftEye]),
		Nose: pt(f.Landmarks[face.NoseTip]), Mouth: pt(f.Landmarks[face.Mouth]),
		CrownY: int(math.Round(s.Head.CrownY)), ChinY: int(math.Round(s.Head.ChinY)),
		RollDeg: round(s.Roll, 1), YawDeg: round(s.yawDeg(), 1), Faces: len(s.Faces),
	}
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
