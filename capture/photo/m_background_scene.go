package photo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// backgroundScene: the background is a wall or a backdrop, not scenery. What a plain wall
// shows besides its colour is its light: smooth fall-offs, a vignette, a brighter patch behind
// the head, and faint blotches; none of them is a line. Scenery and structures are: a horizon
// or shoreline, the edge of a treeline or of a field, panel seams, a door frame, a table's
// edge, run straight across the background. Pale, low-contrast scenery (fog, haze) passes
// background_plain's limits, since its features take only a few per cent of the light and the
// mean gradient is the grain's; but averaged along the line they lie on, the grain and the
// blotches cancel and the line remains. So the background beside and above the head is
// averaged in 4×4 blocks (the raw, unsmoothed colours, converted to CIELAB after averaging:
// 8-bit rounding would take the faint lines away, or draw the steps of a smooth gradient as
// lines), each block is compared with the blocks sceneStepU above and below it (left and right
// of it), and the median difference is taken along each row (column) of the frame; a smooth
// fall-off of light changes those medians smoothly from row to row, and a straight line fitted
// to them is taken off. A row that still differs by more than maxSceneAcross ΔE on both sides
// of the head is a line across the background; a column (or a row with background on one side
// only) needs maxSceneUp. Only the background above the chin and away from the person's outline
// (stray hairs, the silhouette's halo) is used, both sides of the head apart: clothes of the
// wall's colour below the chin, hair wisps and the shadow of the head are other measures'.
type backgroundScene struct{}

const (
	// The strongest line across the frame (the two sides of the head averaged) and up it, in ΔE
	// after the fit is taken off. Real plain walls of the labelled photos give up to 0.5 across
	// (frames composited from two walls, at their seam) and up to 2.6 up (the light falling off
	// towards a corner or a window, a raised arm's edge); faint fog lines 1.5 and more across. A
	// line up the frame, or across it on one side only, is not confirmed by a second side: only
	// a strong one (a post, a door frame) counts. Faint vertical seams on a pale wall are
	// therefore not told from the light on a plain wall.
	maxSceneAcross = 1.0
	maxSceneUp     = 4.0
	sceneStepU     = 0.12 // blocks this far apart (in u) are compared: a little more than the blur of a faint line
	sceneMarginU   = 0.15 // blocks this close to the person are left out
	minLineU       = 1.0  // a row or column needs background this long (in u) to count
	sceneBlock     = 4    // view pixels of a block's side (at least)
	sceneRule      = "J-LIS: plain background: no scenery or structure (no horizon, treeline, seam or edge across it)"
)

func (backgroundScene) Name() string { return "background_scene" }

func (backgroundScene) Measure(s *Session) Measurement {
	if why := linesUnjudged(s); why != "" {
		return skip("", why)
	}
	across, up, ok := s.sceneLines()
	if !ok {
		return skip("", "too little background beside the head")
	}
	switch {
	case across > maxSceneAcross:
		return fail("", BackgroundNotPlain, across, maxSceneAcross, sceneRule,
			fmt.Sprintf("a line across the background on both sides of the head (ΔE %.1f over %.1f): a horizon, shore or edge", across, maxSceneAcross))
	case up > maxSceneUp:
		return fail("", BackgroundNotPlain, up, maxSceneUp, sceneRule,
			fmt.Sprintf("a line up or along one side of the background (ΔE %.1f over %.1f): a seam, post or edge", up, maxSceneUp))
	}
	return pass("", max(across/maxSceneAcross, up/maxSceneUp), 1, sceneRule)
}

// sceneLines returns the strongest line across the frame seen on both sides of the head, and the
// strongest seen once (up the frame, or across it where only one side shows background), in
// ΔE, -1 where there is too little background to tell; false when there is none either way.
func (s *Session) sceneLines() (across, up float64, ok bool) {
	v := s.v
	// Blocks of 4×4 view pixels, and never less than 4×4 pixels of the frame: where the view
	// enlarges a small face, its blocks would average less grain.
	b := max(sceneBlock, int(math.Ceil(sceneBlock*v.scale)))
	bw, bh := v.w/b, v.h/b
	minBlocks := int(minLineU * v.unit / float64(b))
	near := dilate(s.person, v.w, v.h, int(sceneMarginU*v.unit))
	// The mean colour of the blocks that are wholly background, in CIELAB from the mean of
	// their 8-bit BGR: 8-bit CIELAB steps a* and b* by whole units, and a smooth, noiseless
	// gradient (a backdrop, a denoised camera) would show its steps as lines.
	inBg := make([]bool, bw*bh)
	cells := make([][3]float64, bw*bh)
	for by := 0; by < bh; by++ {
		if float64((by+1)*b) > s.chinV {
			break
		}
		for bx := 0; bx < bw; bx++ {
			var sum [3]float64
			whole := true
			for y := by * b; y < (by+1)*b && whole; y++ {
				for x := bx * b; x < (bx+1)*b; x++ {
					i := y*v.w + x
					if !v.valid[i] || near[i] || s.shadowLike(i) {
						whole = false
						break
					}
					for k := range sum {
						sum[k] += float64(v.bgr[3*i+k])
					}
				}
			}
			if whole {
				c := by*bw + bx
				inBg[c] = true
				n := float64(b * b)
				cells[c] = srgbLab(sum[2]/n, sum[1]/n, sum[0]/n)
			}
		}
	}
	// The frame's down and right directions in the view, and the comparison step, in blocks.
	step := sceneStepU * v.unit / float64(b)
	down := point{v.sin, v.cos}
	right := point{v.cos, -v.sin}
	at := func(x, y float64) (int, bool) {
		cx, cy := int(math.Round(x)), int(math.Round(y))
		if cx < 0 || cy < 0 || cx >= bw || cy >= bh || !inBg[cy*bw+cx] {
			return 0, false
		}
		return cy*bw + cx, true
	}
	// profile takes, for each frame row (across) or column (up), the median of the blocks'
	// differences between the block step along dir and the one step against it, and how far
	// it stands out from a straight line fitted along the frame to them all (the light's
	// fall-off and a glow behind the head change the differences smoothly, a line changes them
	// at one row). Rows are taken on each side of the head apart. It returns, per side, how far
	// each row or column stands out, by its place.
	profile := func(dir point, across bool) [2]map[int][3]float64 {
		bins := map[[2]int]*[3][]float64{}
		for c, in := range inBg {
			if !in {
				continue
			}
			x, y := float64(c%bw), float64(c/bw)
			p, okP := at(x+step*dir.X, y+step*dir.Y)
			m, okM := at(x-step*dir.X, y-step*dir.Y)
			if !okP || !okM {
				continue
			}
			// The block's row or column of the frame, in blocks, and its side of the head.
			f := v.toFrame(point{(x + 0.5) * float64(b), (y + 0.5) * float64(b)})
			key := [2]int{int(math.Floor(f.X * v.scale / float64(b))), 0}
			if across {
				key = [2]int{int(math.Floor(f.Y * v.scale / float64(b))), 0}
				if f.X >= s.Eye.X {
					key[1] = 1
				}
			}
			bn := bins[key]
			if bn == nil {
				bn = &[3][]float64{}
				bins[key] = bn
			}
			for k := 0; k < 3; k++ {
				bn[k] = append(bn[k], cells[p][k]-cells[m][k])
			}
		}
		// In the order of the rows (columns), so that the fit sums them alike every time.
		keys := make([][2]int, 0, len(bins))
		for key := range bins {
			keys = append(keys, key)
		}
		slices.SortFunc(keys, func(a, b [2]int) int { return cmp.Or(a[1]-b[1], a[0]-b[0]) })
		var out [2]map[int][3]float64
		for side := range out {
			var pos, wt []float64
			var ms [][3]float64
			for _, key := range keys {
				bn := bins[key]
				n := len(bn[0])
				if key[1] != side || n < minBlocks {
					continue
				}
				// The median block: a stray hair or a blotch covers a few blocks of a row, a
				// line all of them.
				m := [3]float64{median(bn[0]), median(bn[1]), median(bn[2])}
				pos = append(pos, float64(key[0]))
				wt = append(wt, float64(n))
				ms = append(ms, m)
			}
			if len(ms) < 3 {
				continue
			}
			var fit [3][2]float64
			for k := 0; k < 3; k++ {
				ys := make([]float64, len(ms))
				for i, m := range ms {
					ys[i] = m[k]
				}
				fit[k][0], fit[k][1] = lineFit(pos, ys, wt)
			}
			out[side] = map[int][3]float64{}
			for i, m := range ms {
				var r [3]float64
				for k := 0; k < 3; k++ {
					r[k] = m[k] - fit[k][0] - fit[k][1]*pos[i]
				}
				out[side][int(pos[i])] = r
			}
		}
		return out
	}
	rows, cols := profile(down, true), profile(right, false)
	// A line across the frame is scenery (a horizon, a shoreline, a treeline, a shelf) when it
	// runs on both sides of the head at the same height (within a block); where only one
	// side shows background, that side alone.
	norm := func(r [3]float64) float64 { return math.Sqrt(sq(r[0]) + sq(r[1]) + sq(r[2])) }
	across, up = -1, -1
	switch {
	case rows[0] != nil && rows[1] != nil:
		// The two sides' residuals averaged: a line across the frame changes both alike.
		for y, l := range rows[0] {
			for dy := -1; dy <= 1; dy++ {
				if r, ok := rows[1][y+dy]; ok {
					across = max(across, norm([3]float64{(l[0] + r[0]) / 2, (l[1] + r[1]) / 2, (l[2] + r[2]) / 2}))
				}
			}
		}
	default:
		// One side alone is not confirmed by the other: it is judged as a line up the frame.
		for _, side := range rows {
			for _, r := range side {
				up = max(up, norm(r))
			}
		}
	}
	for _, r := range cols[0] {
		up = max(up, norm(r))
	}
	return across, up, across >= 0 || up >= 0
}

// lineFit fits y = a + b·x by least squares with weights w.
func lineFit(x, y, w []float64) (a, b float64) {
	var sw, sx, sy, sxx, sxy float64
	for i := range x {
		sw += w[i]
		sx += w[i] * x[i]
		sy += w[i] * y[i]
		sxx += w[i] * x[i] * x[i]
		sxy += w[i] * x[i] * y[i]
	}
	d := sw*sxx - sx*sx
	if sw == 0 {
		return 0, 0
	}
	if d == 0 {
		return sy / sw, 0
	}
	b = (sw*sxy - sx*sy) / d
	return (sy - b*sx) / sw, b
}

// srgbLab converts an sRGB colour (0–255 a channel, not rounded) to CIELAB (D65), as OpenCV
// does for 8-bit images but without its rounding.
func srgbLab(r, g, b float64) [3]float64 {
	lin := func(c float64) float64 {
		c /= 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	rl, gl, bl := lin(r), lin(g), lin(b)
	x := (0.412453*rl + 0.357580*gl + 0.180423*bl) / 0.950456
	y := 0.212671*rl + 0.715160*gl + 0.072169*bl
	z := (0.019334*rl + 0.119193*gl + 0.950227*bl) / 1.088754
	f := func(t float64) float64 {
		if t > 0.008856 {
			return math.Cbrt(t)
		}
		return 7.787*t + 16.0/116
	}
	fx, fy, fz := f(x), f(y), f(z)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}
