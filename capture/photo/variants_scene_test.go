package photo_test

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"slices"
	"sort"
	"testing"

	"github.com/idbooth/idbooth/capture/photo"
	"gocv.io/x/gocv"
)

// What still got past the examiner-like measures: a pale, low-contrast outdoor background (fog
// over a shore or a field, a faint horizon, a blurred treeline) and a dark cap or beanie over
// dark hair. Each variant is made here, at test time, from an accepted camera frame of
// ../shared/testdata (CC0) and labelled by how it was made: the frame's wall replaced by a
// foggy landscape whose features take 3–8% of the light is refused as background_not_plain,
// while the same frame on a plain wall lit unevenly (a smooth fall-off of 10–12% across it, a
// vignette, a spot light behind the head taking up to 40% off the corners; also without grain, as a denoising camera gives it, its 8-bit steps showing) is
// accepted; a dark cap or beanie (L* 10–20) is refused as head_covering, while the
// same face with its hair dyed as dark is accepted.
func TestSceneVariants(t *testing.T) {
	c := newChecker(t, photo.Options{})
	for _, file := range examinerFiles {
		frame := loadFrame(t, file, 1920, 1080)
		src := examinerSourceOf(t, c, file, frame)
		wall := wallMask(frame)
		cases := []struct {
			name string
			make func() gocv.Mat
			want []photo.Code // nil: accepted
		}{
			{"wall lit from the left", func() gocv.Mat { return replaceWall(frame, wall, plainWall(frame, wall, 0.12, 0, 0)) }, nil},
			{"wall lit from above, vignette", func() gocv.Mat { return replaceWall(frame, wall, plainWall(frame, wall, 0, 0.10, 0.08)) }, nil},
			{"pale blue backdrop lit from above, no grain", func() gocv.Mat {
				return replaceWallGrain(frame, wall, steppedWall(frame, color.RGBA{220, 228, 236, 0}, 0.04), 0)
			}, nil},
			{"pale wall lit from the right", func() gocv.Mat {
				return replaceWall(frame, wall, tintedWall(frame, color.RGBA{226, 224, 218, 0}, -0.10, 0.06))
			}, nil},
			{"backdrop lit from behind the head", func() gocv.Mat { return replaceWall(frame, wall, glowWall(frame, wall, src, 0.5, 0.25)) }, nil},
			{"backdrop spot behind the head", func() gocv.Mat { return replaceWall(frame, wall, glowWall(frame, wall, src, 0.3, 0.4)) }, nil},
			{"fog, shoreline at eye level", func() gocv.Mat { return replaceWall(frame, wall, foggyShore(frame, src, 0, 0.05, 1)) }, []photo.Code{photo.BackgroundNotPlain}},
			{"haze, shore just below the top of the head", func() gocv.Mat {
				return replaceWall(frame, wall, foggyShore(frame, src, (src.crown-src.eyeY)/src.u+0.6, 0.04, 2))
			}, []photo.Code{photo.BackgroundNotPlain}},
			{"fog, treeline behind the head", func() gocv.Mat {
				return replaceWall(frame, wall, foggyShore(frame, src, -1.0, 0.08, 3))
			}, []photo.Code{photo.BackgroundNotPlain}},
			{"dark hair", func() gocv.Mat { return dyeHair(frame, wall, src, 15) }, nil},
			{"black cap", func() gocv.Mat { return drawCap(frame, src, capPeaked, color.RGBA{36, 34, 38, 0}) }, []photo.Code{photo.HeadCovering}},
			{"navy cap", func() gocv.Mat { return drawCap(frame, src, capPeaked, color.RGBA{30, 36, 58, 0}) }, []photo.Code{photo.HeadCovering}},
			{"black beanie", func() gocv.Mat { return drawCap(frame, src, capBeanie, color.RGBA{28, 28, 30, 0}) }, []photo.Code{photo.HeadCovering}},
			{"black cap over dark hair", func() gocv.Mat {
				dark := dyeHair(frame, wall, src, 15)
				defer dark.Close()
				return drawCap(dark, src, capPeaked, color.RGBA{36, 34, 38, 0})
			}, []photo.Code{photo.HeadCovering}},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/%s", src.file, tc.name), func(t *testing.T) { checkVariant(t, c, tc.make, tc.want) })
		}
		frame.Close()
	}
}

// Windblown hair lies across an eye in thin strands with skin between them. Of the locks
// drawn (six a side on each frame, wherever the random strands fall) at least 90% are refused
// as face_occluded or eyes_not_visible first. The misses are logged: a lock of copper hair,
// whose strands the skin measure takes for skin, can hide an eye and keep its skin share.
func TestHairLockVariants(t *testing.T) {
	c := newChecker(t, photo.Options{})
	want := []photo.Code{photo.FaceOccluded, photo.EyesNotVisible}
	refused, n := 0, 0
	for _, file := range examinerFiles {
		frame := loadFrame(t, file, 1920, 1080)
		src := examinerSourceOf(t, c, file, frame)
		for _, side := range []float64{-1, 1} {
			for lock := 1; lock <= 6; lock++ {
				img := drawHair(frame, src, side, lock)
				r, err := c.CheckStill(img)
				img.Close()
				if err != nil {
					t.Fatal(err)
				}
				n++
				if !r.OK && slices.Contains(want, r.Problems[0].Code) {
					refused++
					continue
				}
				t.Logf("%s side %v lock %d: %v, want first one of %v", file, side, lock, r.Codes(), want)
			}
		}
		frame.Close()
	}
	t.Logf("%d of %d locks refused", refused, n)
	if refused*10 < n*9 {
		t.Errorf("only %d of %d locks of hair across an eye refused", refused, n)
	}
}

// A linearImage is a background in linear light (RGB, 0–1), row by row, as wide as the frame.
type linearImage struct {
	w, h int
	px   []float64 // 3 per pixel, R G B
}

func newLinearImage(w, h int) *linearImage { return &linearImage{w, h, make([]float64, 3*w*h)} }

// replaceWall puts bg where the frame shows its wall, with the camera's grain (σ 1.5 levels),
// and returns the new frame.
func replaceWall(frame gocv.Mat, wall []bool, bg *linearImage) gocv.Mat {
	return replaceWallGrain(frame, wall, bg, 1.5)
}

// replaceWallGrain is replaceWall with grain of σ levels.
func replaceWallGrain(frame gocv.Mat, wall []bool, bg *linearImage, sigma float64) gocv.Mat {
	out := frame.Clone()
	px, _ := out.DataPtrUint8()
	rng := rand.New(rand.NewSource(7))
	for i, in := range wall {
		if !in {
			continue
		}
		n := rng.NormFloat64() * sigma
		for c := 0; c < 3; c++ {
			px[3*i+2-c] = clamp8(float64(linearToSRGB[int(math.Min(1, math.Max(0, bg.px[3*i+c]))*float64(len(linearToSRGB)-1)+0.5)]) + n)
		}
	}
	return out
}

// wallColour is the mean colour of the frame's wall in linear light (R, G, B).
func wallColour(frame gocv.Mat, wall []bool) [3]float64 {
	px, _ := frame.DataPtrUint8()
	var sum [3]float64
	n := 0
	for i, in := range wall {
		if in {
			for c := 0; c < 3; c++ {
				sum[c] += srgbToLinear[px[3*i+2-c]]
			}
			n++
		}
	}
	for c := range sum {
		sum[c] /= float64(max(1, n))
	}
	return sum
}

// plainWall is the frame's wall colour lit unevenly: the light falls by gx across the width
// (left to right) and by gy down the height, and by vignette towards the corners.
func plainWall(frame gocv.Mat, wall []bool, gx, gy, vignette float64) *linearImage {
	col := wallColour(frame, wall)
	return litWall(frame.Cols(), frame.Rows(), col, gx, gy, vignette)
}

// tintedWall is a wall of another colour (sRGB), the light falling by gx across the width, with
// a vignette.
func tintedWall(frame gocv.Mat, c color.RGBA, gx, vignette float64) *linearImage {
	col := [3]float64{srgbToLinear[c.R], srgbToLinear[c.G], srgbToLinear[c.B]}
	return litWall(frame.Cols(), frame.Rows(), col, gx, 0, vignette)
}

func litWall(w, h int, col [3]float64, gx, gy, vignette float64) *linearImage {
	bg := newLinearImage(w, h)
	for y := 0; y < h; y++ {
		fy := float64(y)/float64(h) - 0.5
		for x := 0; x < w; x++ {
			fx := float64(x)/float64(w) - 0.5
			k := (1 - gx*(fx+0.5)) * (1 - gy*(fy+0.5)) * (1 - vignette*(fx*fx+fy*fy)/0.5)
			for c := 0; c < 3; c++ {
				bg.px[3*(y*w+x)+c] = col[c] * k
			}
		}
	}
	return bg
}

// steppedWall is a backdrop of colour c (sRGB) lit from above, its light falling by fall down
// the frame, each channel rounded to its 8-bit level on its own (as a camera that takes the
// grain away leaves it): the levels step at different rows, and the hue flickers there.
func steppedWall(frame gocv.Mat, c color.RGBA, fall float64) *linearImage {
	w, h := frame.Cols(), frame.Rows()
	bg := newLinearImage(w, h)
	for y := 0; y < h; y++ {
		k := 1 + fall*(0.5-float64(y)/float64(h))
		row := [3]float64{srgbToLinear[clamp8(float64(c.R)*k)], srgbToLinear[clamp8(float64(c.G)*k)], srgbToLinear[clamp8(float64(c.B)*k)]}
		for x := 0; x < w; x++ {
			copy(bg.px[3*(y*w+x):], row[:])
		}
	}
	return bg
}

// glowWall is the frame's wall lit by a background light aimed behind the head: brightest
// there, falling off by fall towards the frame's corners (a Gaussian spot of spot × the frame's
// height).
func glowWall(frame gocv.Mat, wall []bool, src examinerSource, spot, fall float64) *linearImage {
	col := wallColour(frame, wall)
	w, h := frame.Cols(), frame.Rows()
	bg := newLinearImage(w, h)
	sigma := spot * float64(h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r2 := sq(float64(x)-src.eyeX) + sq(float64(y)-src.eyeY)
			k := 1 - fall + fall*math.Exp(-r2/(2*sigma*sigma))
			for c := 0; c < 3; c++ {
				bg.px[3*(y*w+x)+c] = col[c] * k * 1.1
			}
		}
	}
	return bg
}

// foggyShore is a pale landscape in fog: a sky brightening towards the horizon, a faint
// shoreline (horizonU eye–mouth distances below the eyes; negative: above), water or a field
// below it a little darker and greyer, and a treeline of blurred blobs along the shore taking
// up to contrast of the light. The features are faint: 3–8% of the light.
func foggyShore(frame gocv.Mat, src examinerSource, horizonU, contrast float64, seed int64) *linearImage {
	w, h := frame.Cols(), frame.Rows()
	rng := rand.New(rand.NewSource(seed))
	yh := src.eyeY + horizonU*src.u
	// How much light the trees and the shoreline take away, drawn then blurred by the fog.
	shade := gocv.NewMatWithSize(h, w, gocv.MatTypeCV32F)
	defer shade.Close()
	white := color.RGBA{255, 255, 255, 0}
	for x := -50; x < w+50; {
		bw := (0.15 + 0.35*rng.Float64()) * src.u
		bh := (0.2 + 0.6*rng.Float64()) * src.u
		gocv.Ellipse(&shade, image.Pt(x, int(yh)), image.Pt(int(bw), int(bh)), 0, 180, 360, white, -1)
		x += int(bw * (1 + rng.Float64()))
	}
	gocv.Line(&shade, image.Pt(0, int(yh)), image.Pt(w, int(yh)), white, max(2, int(0.03*src.u)))
	blur := gocv.NewMat()
	defer blur.Close()
	gocv.GaussianBlur(shade, &blur, image.Pt(0, 0), 0.05*src.u, 0.05*src.u, gocv.BorderReplicate)
	sp, _ := blur.DataPtrFloat32()
	// The water or field below the horizon takes contrast of the light too, and is a little
	// greener than the sky.
	sky, horizon := [3]float64{0.70, 0.73, 0.78}, [3]float64{0.80, 0.81, 0.82}
	water := [3]float64{0.79 * (1 - contrast), 0.81 * (1 - contrast), 0.80 * (1 - contrast)}
	bg := newLinearImage(w, h)
	for y := 0; y < h; y++ {
		var col [3]float64
		for c := 0; c < 3; c++ {
			if float64(y) < yh {
				t := math.Max(0, float64(y)/math.Max(1, yh))
				col[c] = sky[c] + (horizon[c]-sky[c])*t
			} else {
				t := (float64(y) - yh) / math.Max(1, float64(h)-yh)
				col[c] = water[c] * (1 - 0.06*t)
			}
		}
		for x := 0; x < w; x++ {
			k := 1 - contrast*math.Min(1, float64(sp[y*w+x])/255)
			for c := 0; c < 3; c++ {
				bg.px[3*(y*w+x)+c] = col[c] * k
			}
		}
	}
	return bg
}

// dyeHair darkens the hair to about lightness L* (keeping its strands and highlights): the
// pixels around the face (not the face itself) that are not wall, and on the forehead, the neck
// and the clothes only those unlike the skin (in hue, or much darker), with soft edges.
func dyeHair(frame gocv.Mat, wall []bool, src examinerSource, lightness float64) gocv.Mat {
	lab := gocv.NewMat()
	defer lab.Close()
	gocv.CvtColor(frame, &lab, gocv.ColorBGRToLab)
	lp, _ := lab.DataPtrUint8()
	w, h := frame.Cols(), frame.Rows()
	u := src.u
	// The skin's colour: the cheeks and nose under the eyes.
	var sl, sa, sb []float64
	for y := int(src.eyeY + 0.3*u); y < int(src.eyeY+0.7*u); y++ {
		for x := int(src.eyeX - 0.4*u); x < int(src.eyeX+0.4*u); x++ {
			i := 3 * (y*w + x)
			sl, sa, sb = append(sl, float64(lp[i])), append(sa, float64(lp[i+1])), append(sb, float64(lp[i+2]))
		}
	}
	skinL, skinA, skinB := medianOf(sl)*100/255, medianOf(sa), medianOf(sb)
	mask := gocv.NewMatWithSize(h, w, gocv.MatTypeCV32F)
	defer mask.Close()
	mp, _ := mask.DataPtrFloat32()
	var sumL, n float64
	for y := max(0, int(src.crown-0.3*u)); y < min(h, int(src.chin+1.5*u)); y++ {
		for x := max(0, int(src.eyeX-2.2*u)); x < min(w, int(src.eyeX+2.2*u)); x++ {
			i := y*w + x
			dx, dy := float64(x)-src.eyeX, float64(y)-src.eyeY
			if wall[i] || sq(dx/(0.95*u))+sq((dy-0.45*u)/(1.25*u)) < 1 {
				continue // the wall, and the face from the brows to the chin
			}
			weight := 1.0
			if dy > -0.2*u || math.Abs(dx) < 0.9*u {
				// The forehead, the neck and the clothes: hair is another hue than the skin,
				// or much darker.
				l := float64(lp[3*i]) * 100 / 255
				hue := (math.Hypot(float64(lp[3*i+1])-skinA, float64(lp[3*i+2])-skinB) - 8) / 8
				dark := (skinL - l - 12) / 8
				weight = math.Max(0, math.Min(1, math.Max(hue, dark)))
			}
			mp[i] = float32(weight)
			sumL += weight * float64(lp[3*i]) * 100 / 255
			n += weight
		}
	}
	gocv.GaussianBlur(mask, &mask, image.Pt(0, 0), 1.5, 1.5, gocv.BorderReplicate)
	mp, _ = mask.DataPtrFloat32()
	// Linear light scales as the cube of (L*+16): darken the hair's mean lightness to lightness.
	k := math.Pow((lightness+16)/(sumL/math.Max(1, n)+16), 3)
	out := frame.Clone()
	px, _ := out.DataPtrUint8()
	for i, m := range mp {
		if m <= 0 {
			continue
		}
		f := 1 - float64(m)*(1-k)
		for c := 0; c < 3; c++ {
			px[3*i+c] = linScale(px[3*i+c], f)
		}
	}
	return out
}

func medianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	c := append([]float64(nil), xs...)
	sort.Float64s(c)
	return c[len(c)/2]
}
