package photo

import (
	"fmt"
	"math"
)

// backgroundLines: no seam or edge runs straight through the background. A panelled or boarded
// wall, a door frame or a corner shows, on a pale and otherwise plain wall, as a narrow band a
// few L* darker or lighter than the wall on either side of it, straight and as long as the
// wall is visible. The light on a plain wall does not: a vignette, a fall-off, a glow or a soft
// shadow behind the head change it slowly across the frame, and a band-pass filter across the
// line (the mean L* of a narrow band minus the mean of its two flanks, each flank taken apart so
// that a steady fall-off cancels) leaves them out. Stray hairs and grain do give narrow
// responses, but short or curved ones: along a straight line of the background they take only
// a few rows, while a seam takes nearly all of them. So for each straight line of the
// background within a few degrees of the frame's upright (and of its level) the share of its
// background length where the band-pass shows the same sign beyond minLineStep L* is taken, at
// three widths of band; a line whose share reaches maxLineShare over at least minLineRunU is a
// seam or an edge. The person and a margin around the outline are left out (the head's outline
// is curved but long), and so is everything below the chin (clothes).
type backgroundLines struct{}

const (
	// The stated rule: a seam or edge of minLineDepth L* or more (0.11u to 0.45u wide, that is
	// 20–80 px on a 1000 px portrait, or a step) is refused. Its band-pass response at the
	// matching width is about half its depth or more, so minLineStep, 40% of minLineDepth,
	// marks nearly every row of such a seam (a share of 1.0 on the synthetic seams of
	// TestLineVariants) and no row of grain; seams of 2 L* stay below it on all but a few
	// rows (share ≤ 0.21), and refusal begins between 2.5 and 4 L* depending on the width.
	// maxLineShare leaves room for stray hairs crossing a seam and for rows at the ends of its
	// run; the labelled acceptable photos give at most 0.05, windblown hair over a plain wall
	// up to 0.27.
	minLineDepth = 5.0 // L*: the faintest seam that must be refused (the stated rule)
	minLineStep  = 0.4 * minLineDepth
	maxLineShare = 0.6   // share of a line's background rows beyond ±minLineStep with one sign
	minLineRunU  = 1.0   // a line needs this much background along it (in u)
	lineMarginU  = 0.15  // background this close to the person is left out
	lineTilt     = 0.035 // lines are followed at the frame's upright (or level) and ±2° from it
	maxLineGrad  = 6.0   // L* per view pixel: sharper than a seam's side (a hair, a fleck)
	lineBlock    = 2     // view pixels of a block's side
	linesRule    = "J-LIS: plain background: no seam, panel or door edge through it"
)

// lineBands are the half-widths (in u) of the band-pass's middle band; each flank is twice as
// wide.
var lineBands = [...]float64{0.06, 0.12, 0.24}

func (backgroundLines) Name() string { return "background_lines" }

func (backgroundLines) Measure(s *Session) Measurement {
	if why := linesUnjudged(s); why != "" {
		return skip("", why)
	}
	share, up, ok := s.straightLines()
	if !ok {
		return skip("", "too little background for a line")
	}
	if share >= maxLineShare {
		dir := "across"
		if up {
			dir = "up"
		}
		return fail("", BackgroundNotPlain, share, maxLineShare, linesRule,
			fmt.Sprintf("a straight seam or edge %s the background (%.0f%% of its length, limit %.0f%%)", dir, 100*share, 100*maxLineShare))
	}
	return pass("", share, maxLineShare, linesRule)
}

// linesUnjudged says why lines in the background cannot be judged on s, or "" when they can:
// there is no face or no background sample, or JPEG blocks draw lines of their own.
func linesUnjudged(s *Session) string {
	switch {
	case !s.HasFace || !s.bgOK:
		return "no face or no background sample"
	case s.Blockiness > maxBlockiness:
		return "JPEG blocks draw lines of their own"
	}
	return ""
}

// straightLines returns the largest share of a straight background line (up or across the
// frame) that the band-pass marks with one sign, whether that line runs up the frame, and
// false when no line has background enough. It works on blocks of lineBlock×lineBlock view
// pixels: a seam is wider than that.
func (s *Session) straightLines() (best float64, up, ok bool) {
	v := s.v
	w := v.w
	hb := min(v.h, int(s.chinV))
	gw, gh := w/lineBlock, hb/lineBlock
	if gw < 2 || gh < 2 {
		return 0, false, false
	}
	// Blocks with a pixel of the person, or of sharp detail (a stray hair, its blur), are
	// left out, with a margin around the person and a block around the detail: a seam's sides
	// are soft, and a cloud of strands must not draw the line where it thins out. So are blocks
	// reaching outside the frame.
	person := make([]bool, gw*gh)
	sharp := make([]bool, gw*gh)
	outside := make([]bool, gw*gh)
	for gy := 0; gy < gh; gy++ {
		for y := gy * lineBlock; y < (gy+1)*lineBlock; y++ {
			for x := 0; x < gw*lineBlock; x++ {
				i, c := y*w+x, gy*gw+x/lineBlock
				person[c] = person[c] || s.person[i]
				sharp[c] = sharp[c] || v.grad[i] > maxLineGrad
				outside[c] = outside[c] || !v.valid[i]
			}
		}
	}
	person = dilate(person, gw, gh, int(math.Round(lineMarginU*v.unit/lineBlock)))
	sharp = dilate(sharp, gw, gh, 1)
	// The blocks' mean L*, row by row (gl) and column by column (tl, the grid transposed, so
	// that lines across the frame are found as lines up it); NaN where left out.
	gl, tl := make([]float32, gw*gh), make([]float32, gw*gh)
	nan := float32(math.NaN())
	for gy := 0; gy < gh; gy++ {
		for gx := 0; gx < gw; gx++ {
			c := gy*gw + gx
			m := nan
			if !person[c] && !sharp[c] && !outside[c] {
				var sum float32
				for y := gy * lineBlock; y < (gy+1)*lineBlock; y++ {
					for x := gx * lineBlock; x < (gx+1)*lineBlock; x++ {
						sum += v.l1[y*w+x]
					}
				}
				m = sum / (lineBlock * lineBlock)
			}
			gl[c], tl[gx*gh+gy] = m, m
		}
	}
	minRun := int(minLineRunU * v.unit / lineBlock)
	unit := v.unit / lineBlock
	resp := make([]float32, gw*gh)
	// The frame's upright in the view: x changes by v.sin/v.cos (frame rows) per view row,
	// and its level: y changes by −v.sin/v.cos per column.
	tilt := v.sin / v.cos
	for _, across := range []bool{false, true} {
		l, rw, rh, t, split := gl, gw, gh, tilt, gh
		if across {
			// Lines across the frame are cut at the head.
			l, rw, rh, t, split = tl, gh, gw, -tilt, int(v.eyeV.X/lineBlock)
		}
		sum, cnt := rowSums(l, rw, rh)
		for _, band := range lineBands {
			bandPass(l, sum, cnt, rw, rh, max(1, int(math.Round(band*unit))), resp)
			for _, dt := range []float64{-lineTilt, 0, lineTilt} {
				share, found := lineShare(resp, rw, rh, t+dt, minRun, split)
				if found {
					ok = true
					if share > best {
						best, up = share, !across
					}
				}
			}
		}
	}
	return best, up, ok
}

// rowSums returns, for each row of l (w×h, row by row), the running sums of its defined
// cells and their running counts (w+1 a row): the band-pass of every width reads them.
func rowSums(l []float32, w, h int) ([]float32, []int32) {
	sum := make([]float32, h*(w+1))
	cnt := make([]int32, h*(w+1))
	for y := 0; y < h; y++ {
		row := l[y*w : (y+1)*w]
		s, c := sum[y*(w+1):(y+1)*(w+1)], cnt[y*(w+1):(y+1)*(w+1)]
		for k, x := range row {
			s[k+1], c[k+1] = s[k], c[k]
			if x == x {
				s[k+1] += x
				c[k+1]++
			}
		}
	}
	return sum, cnt
}

// bandPass fills resp (w×h, row by row) with the mean of l over the band of half-width n around
// each cell of a row minus the mean of its two flanks (each 2n wide, averaged apart), NaN cells
// left out; NaN where any of the three parts is less than two-thirds defined. sum and cnt are
// l's rowSums.
func bandPass(l, sum []float32, cnt []int32, w, h, n int, resp []float32) {
	nan := float32(math.NaN())
	for k := range resp {
		resp[k] = nan
	}
	for y := 0; y < h; y++ {
		row := l[y*w : (y+1)*w]
		s, c := sum[y*(w+1):(y+1)*(w+1)], cnt[y*(w+1):(y+1)*(w+1)]
		out := resp[y*w : (y+1)*w]
		for k := 3 * n; k+3*n < w; k++ {
			if row[k] != row[k] {
				continue
			}
			// [k−3n, k−n) | [k−n, k+n] | (k+n, k+3n]
			i0, i1, i2, i3 := k-3*n, k-n, k+n+1, k+3*n+1
			nl, nc, nr := c[i1]-c[i0], c[i2]-c[i1], c[i3]-c[i2]
			if 3*nl < int32(4*n) || 3*nc < int32(2*(2*n+1)) || 3*nr < int32(4*n) {
				continue
			}
			ml := (s[i1] - s[i0]) / float32(nl)
			mc := (s[i2] - s[i1]) / float32(nc)
			mr := (s[i3] - s[i2]) / float32(nr)
			out[k] = mc - (ml+mr)/2
		}
	}
}

// lineShare follows each straight line of slope tilt (columns per row) down resp (w×h, row by
// row) and returns the largest share of its defined cells beyond ±minLineStep with one sign;
// false when no line has background enough. A line is cut at row split (across the frame: the
// head): a seam runs on both sides of it, and where both show background (half of minRun at
// least each) the side with the smaller share counts, since a hair blown out to one side is
// straight for a while too; where only one side does, it needs minRun alone.
func lineShare(resp []float32, w, h int, tilt float64, minRun, split int) (float64, bool) {
	// Offsets of the line from its start, and the starts that keep some of it inside.
	off := make([]int, h)
	lo, hi := 0, 0
	for k := range off {
		off[k] = int(math.Round(tilt * float64(k-h/2)))
		lo, hi = min(lo, off[k]), max(hi, off[k])
	}
	nStart := w + hi - lo
	var cnt, pos, neg [2][]int32
	for side := range cnt {
		cnt[side], pos[side], neg[side] = make([]int32, nStart), make([]int32, nStart), make([]int32, nStart)
	}
	step := float32(minLineStep)
	for k := 0; k < h; k++ {
		side := 0
		if k >= split {
			side = 1
		}
		c, ps, ng := cnt[side], pos[side], neg[side]
		row := resp[k*w : (k+1)*w]
		// Start st crosses this row at column st−hi+off[k].
		first := max(0, hi-off[k])
		last := min(nStart, w+hi-off[k])
		for st := first; st < last; st++ {
			r := row[st-hi+off[k]]
			if r != r { // NaN
				continue
			}
			c[st]++
			if r > step {
				ps[st]++
			} else if r < -step {
				ng[st]++
			}
		}
	}
	best, found := 0.0, false
	for st := 0; st < nStart; st++ {
		n0, n1 := int(cnt[0][st]), int(cnt[1][st])
		var share float64
		switch {
		case 2*n0 >= minRun && 2*n1 >= minRun:
			share = min(sideShare(pos[0][st], neg[0][st], n0), sideShare(pos[1][st], neg[1][st], n1))
		case n0 >= minRun:
			share = sideShare(pos[0][st], neg[0][st], n0)
		case n1 >= minRun:
			share = sideShare(pos[1][st], neg[1][st], n1)
		default:
			continue
		}
		found = true
		best = max(best, share)
	}
	return best, found
}

// sideShare is the share of n points beyond the step with the commoner sign.
func sideShare(pos, neg int32, n int) float64 { return float64(max(pos, neg)) / float64(n) }
