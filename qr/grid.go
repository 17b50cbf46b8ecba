package qr

import (
	"image"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"gocv.io/x/gocv"
)

// Grid sampling reads a code that OpenCV located but gozxing's finder-pattern search cannot
// (glare or blur hiding one finder pattern): in the rectified view the code fills a known
// square, so for each QR version the module centres are known and sampled directly, and the
// bits go to gozxing's decoder (format-information BCH and Reed–Solomon checks included).
// A version is only tried where the sampled grid shows the three finder patterns, which keeps
// the decoder from ever being handed noise.

const (
	maxGridVersion = 20   // 97×97 modules; form QR codes are far smaller
	minModulePx    = 2.0  // below this the sampling is meaningless
	minFinderMatch = 0.75 // share of finder-pattern modules that must match (chance is ~0.5)
)

// gridDecode samples the rectified view r, whose code occupies [q, q+s) on both axes.
func gridDecode(r *gocv.Mat, q, s int) (string, bool) {
	thr := gocv.NewMat()
	defer thr.Close()
	k := s/4 | 1 // local mean over a quarter of the code: about half its modules are dark
	gocv.Blur(*r, &thr, image.Pt(k, k))
	pix, err := r.DataPtrUint8()
	if err != nil {
		return "", false
	}
	mean, err := thr.DataPtrUint8()
	if err != nil {
		return "", false
	}
	stride := r.Cols()
	dec := decoder.NewDecoder()
	for ver := 1; ver <= maxGridVersion; ver++ {
		d := 17 + 4*ver
		ms := float64(s) / float64(d)
		if ms < minModulePx {
			break
		}
		h := int(ms / 4)
		g := make([][]bool, d)
		for y := range g {
			g[y] = make([]bool, d)
			cy := int(float64(q) + (float64(y)+0.5)*ms)
			for x := range g[y] {
				cx := int(float64(q) + (float64(x)+0.5)*ms)
				sum, n := 0, 0
				for yy := cy - h; yy <= cy+h; yy++ {
					row := pix[yy*stride:]
					for xx := cx - h; xx <= cx+h; xx++ {
						sum += int(row[xx])
						n++
					}
				}
				g[y][x] = sum < n*int(mean[cy*stride+cx]) // dark module
			}
		}
		for rot := 0; rot < 4; rot++ {
			if finderMatch(g) >= minFinderMatch {
				if res, err := dec.DecodeBoolMap(g, nil); err == nil && res.GetText() != "" {
					return res.GetText(), true
				}
			}
			g = rotate90(g)
		}
	}
	return "", false
}

// finderMatch is the share of the three finder patterns' modules (with their separators) that
// the grid has right, assuming the finders at top-left, top-right and bottom-left.
func finderMatch(g [][]bool) float64 {
	d := len(g)
	match, total := 0, 0
	for _, o := range [3]image.Point{{0, 0}, {d - 7, 0}, {0, d - 7}} {
		for y := -1; y <= 7; y++ {
			for x := -1; x <= 7; x++ {
				gx, gy := o.X+x, o.Y+y
				if gx < 0 || gy < 0 || gx >= d || gy >= d {
					continue
				}
				want := finderDark(x, y)
				if g[gy][gx] == want {
					match++
				}
				total++
			}
		}
	}
	return float64(match) / float64(total)
}

// finderDark reports whether module (x, y) of a finder pattern (0..6, with the separator ring
// at -1 and 7) is dark: the outer ring and the 3×3 centre.
func finderDark(x, y int) bool {
	r := max(abs(x-3), abs(y-3))
	return r == 3 || r <= 1
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func rotate90(g [][]bool) [][]bool {
	d := len(g)
	out := make([][]bool, d)
	for y := range out {
		out[y] = make([]bool, d)
		for x := range out[y] {
			out[y][x] = g[d-1-x][y]
		}
	}
	return out
}
