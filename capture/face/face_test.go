package face_test

import (
	"bufio"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/capture/face"
	"github.com/idbooth/idbooth/internal/testsupport"
	"gocv.io/x/gocv"
)

func TestWeightedNMSMergesOneFaceKeepsTwo(t *testing.T) {
	mk := func(x, y, s, score float64) face.Face {
		f := face.Face{X: x, Y: y, W: s, H: s, Score: score}
		f.Landmarks[face.RightEye] = face.Point{X: x + 0.3*s, Y: y + 0.4*s}
		return f
	}
	dets := []face.Face{mk(100, 100, 50, 0.9), mk(104, 100, 50, 0.6), mk(300, 100, 40, 0.8)}
	out := face.WeightedNMS(dets, 0.3)
	if len(out) != 2 {
		t.Fatalf("%d faces, want 2: %+v", len(out), out)
	}
	// The merged box is the score-weighted mean (0.9·100 + 0.6·104)/1.5 = 101.6, best score kept.
	if got := out[0].X; got < 101.5 || got > 101.7 || out[0].Score != 0.9 {
		t.Errorf("merged face %+v", out[0])
	}
	if got := out[0].Landmarks[face.RightEye].X; got < 116.5 || got > 116.7 {
		t.Errorf("merged landmark x %.2f, want 116.6", got)
	}
}

func TestTilesCoverFrameWithOverlap(t *testing.T) {
	for _, c := range []struct{ w, h, side int }{{910, 512, 512}, {910, 512, 256}, {512, 512, 256}, {640, 360, 180}} {
		tiles := face.Tiles(c.w, c.h, c.side)
		// Every square of half the side must lie wholly inside some tile, so that a face of
		// that size is never seen only cut in two.
		half := c.side / 2
		for y := 0; y+half <= c.h; y += 7 {
			for x := 0; x+half <= c.w; x += 7 {
				sq := image.Rect(x, y, x+half, y+half)
				ok := false
				for _, tl := range tiles {
					if sq.In(tl) {
						ok = true
						break
					}
				}
				if !ok {
					t.Fatalf("%dx%d side %d: %v in no tile of %v", c.w, c.h, c.side, sq, tiles)
				}
			}
		}
	}
}

// expectedFaces is the number of faces a labelled photo shows: 0 for no_face, at least 2 for
// multiple_faces, 1 otherwise.
func expectedFaces(codes string) int {
	switch {
	case strings.Contains(codes, "no_face"):
		return 0
	case strings.Contains(codes, "multiple_faces"):
		return 2
	}
	return 1
}

type labelled struct{ file, codes string }

func labelledFaces(t *testing.T) (string, []labelled) {
	t.Helper()
	dir := testsupport.SharedTestdata(t, "faces")
	f, err := os.Open(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || cols[0] == "file" {
			continue
		}
		out = append(out, labelled{cols[0], cols[2]})
	}
	return dir, out
}

func countRight(got, want int) bool {
	if want >= 2 {
		return got >= 2
	}
	return got == want
}

// BlazeFace against OpenCV's cascades on the labelled photos: the count of faces must match
// the labels (0, 1, or several). This is the measurement behind choosing BlazeFace (it also
// gives the landmarks the measures need); the cascades are reported for comparison.
func TestDetectorCountsFacesOnLabelledPhotos(t *testing.T) {
	dir, labels := labelledFaces(t)
	d, err := face.NewDetector(face.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cascades := map[string]*gocv.CascadeClassifier{}
	for name, xml := range map[string][]byte{"haar": assets.HaarFrontalFace, "lbp": assets.LBPFrontalFace} {
		path := filepath.Join(t.TempDir(), name+".xml")
		if err := os.WriteFile(path, xml, 0o600); err != nil {
			t.Fatal(err)
		}
		c := gocv.NewCascadeClassifier()
		if !c.Load(path) {
			t.Fatalf("cascade %s does not load", name)
		}
		defer c.Close()
		cascades[name] = &c
	}
	right := map[string]int{}
	var wrong []string
	for _, l := range labels {
		img, _, err := capture.LoadImageFile(filepath.Join(dir, l.file))
		if err != nil {
			t.Fatal(err)
		}
		want := expectedFaces(l.codes)
		faces, err := d.Detect(img)
		if err != nil {
			t.Fatal(err)
		}
		if countRight(len(faces), want) {
			right["blazeface"]++
		} else {
			wrong = append(wrong, l.file)
		}
		gray := gocv.NewMat()
		gocv.CvtColor(img, &gray, gocv.ColorBGRToGray)
		minSide := min(img.Cols(), img.Rows()) / 10
		for name, c := range cascades {
			rects := c.DetectMultiScaleWithParams(gray, 1.1, 5, 0, image.Pt(minSide, minSide), image.Pt(0, 0))
			if countRight(len(rects), want) {
				right[name]++
			}
		}
		gray.Close()
		img.Close()
	}
	n := len(labels)
	t.Logf("face count right: blazeface %d/%d, haar %d/%d, lbp %d/%d; blazeface wrong on %v",
		right["blazeface"], n, right["haar"], n, right["lbp"], n, wrong)
	if right["blazeface"] < n*95/100 {
		t.Errorf("BlazeFace counts faces right on %d/%d photos, want ≥ 95%%", right["blazeface"], n)
	}
}

// Detection on a full-resolution 1920×1080 camera frame, and the number of model runs it takes.
func BenchmarkDetect1080p(b *testing.B) {
	path, err := filepath.Abs("../../../shared/testdata/faces/f021.jpg")
	if err != nil {
		b.Fatal(err)
	}
	img, _, err := capture.LoadImageFile(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			b.Fatal(err)
		}
		b.Skip("shared test data not found")
	}
	defer img.Close()
	d, err := face.NewDetector(face.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Windows = 0
		if faces, err := d.Detect(img); err != nil || len(faces) != 1 {
			b.Fatalf("%v %d faces", err, len(faces))
		}
	}
	b.ReportMetric(float64(d.Windows), "windows/op")
}

// The live sweep finds a small, far-away face within a few frames, never spending more than a
// handful of model runs on one frame.
func TestDetectSweepFindsSmallFaceInAFewFrames(t *testing.T) {
	dir, _ := labelledFaces(t)
	img, _, err := capture.LoadImageFile(filepath.Join(dir, "f015.jpg")) // head 16% of the height
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(img, &small, image.Pt(640, 360), 0, 0, gocv.InterpolationArea)
	d, err := face.NewDetector(face.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var sw face.Sweep
	found := -1
	for frame := 0; frame < 12 && found < 0; frame++ {
		d.Windows = 0
		faces, err := d.DetectSweep(small, &sw)
		if err != nil {
			t.Fatal(err)
		}
		if d.Windows > 7 {
			t.Fatalf("frame %d ran the model %d times", frame, d.Windows)
		}
		if len(faces) == 1 {
			found = frame
		}
	}
	if found < 0 {
		t.Fatal("the small face was not found within 12 frames")
	}
	t.Logf("small face found on frame %d", found+1)
}
