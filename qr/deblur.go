package qr

import "math"

// Deblurring in module space. Sampled at module centres, a blurred code reads as
//
//	v(p) = c + Σ_q k(q−p)·b(q)
//
// where b is +1 for a dark module and −1 for a light one, and k a small kernel: defocus spreads
// a module evenly into its four neighbours, motion blur along one direction. The known modules
// (finder, separator, alignment patterns and the quiet zone beside the finders) give enough
// equations to estimate k — the blur is measured on the code itself, not assumed — and the
// unknown modules are then solved for, each kept within [−1, 1]: a module that its neighbours
// would have darkened does not read as dark. A kernel that is all centre leaves the values as
// they were.

// blurKernel is a point-symmetric 3×3 kernel: centre, horizontal pair, vertical pair, the
// diagonal pair (↘) and the anti-diagonal pair (↗), and the offset c.
type blurKernel struct {
	w [5]float64
	c float64
}

// kernelOffsets gives, for each of the 9 neighbours (dy, dx), which weight applies.
var kernelOffsets = [9]struct{ dx, dy, w int }{
	{0, 0, 0}, {-1, 0, 1}, {1, 0, 1}, {0, -1, 2}, {0, 1, 2}, {-1, -1, 3}, {1, 1, 3}, {1, -1, 4}, {-1, 1, 4},
}

// estimateKernel fits the kernel by least squares on the modules whose whole 3×3 neighbourhood
// is known. ext holds (d+2)² samples; sign the known colours (0 unknown) in the same layout.
func estimateKernel(ext, sign []float32, e int) (blurKernel, bool) {
	var a [6][6]float64
	var rhs [6]float64
	n := 0
	for y := 1; y < e-1; y++ {
		for x := 1; x < e-1; x++ {
			var f [6]float64
			ok := true
			for _, o := range kernelOffsets {
				s := sign[(y+o.dy)*e+x+o.dx]
				if s == 0 {
					ok = false
					break
				}
				f[o.w] += float64(s)
			}
			if !ok {
				continue
			}
			f[5] = 1
			v := float64(ext[y*e+x])
			for i := range f {
				for j := range f {
					a[i][j] += f[i] * f[j]
				}
				rhs[i] += f[i] * v
			}
			n++
		}
	}
	if n < 30 {
		return blurKernel{}, false
	}
	for i := range a {
		a[i][i] += 1e-3 * float64(n) // a little ridge: the diagonal pairs are weakly determined
	}
	sol, ok := solve6(a, rhs)
	if !ok || sol[0] <= 0 {
		return blurKernel{}, false
	}
	var k blurKernel
	copy(k.w[:], sol[:5])
	k.c = sol[5]
	return k, true
}

// solve6 solves a 6×6 linear system by Gaussian elimination with partial pivoting.
func solve6(a [6][6]float64, b [6]float64) ([6]float64, bool) {
	const n = 6
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return b, false
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [6]float64
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// deblurSweeps is how many Gauss–Seidel sweeps the solve makes; it converges in far fewer
// when the kernel is mostly centre.
const deblurSweeps = 10

// deblurRelax over-relaxes each update (successive over-relaxation): the solve converges in
// fewer sweeps.
const deblurRelax = 1.5

// deblur solves for the modules under kernel k: it minimises Σ_p (v_p − c − Σ k·b)² over the
// unknown b in [−1, 1] with the known ones fixed, by projected Gauss–Seidel. ext and sign are
// (d+2)² as for estimateKernel; the result is in the same layout.
func deblur(ext, sign []float32, e int, k blurKernel) []float32 {
	// Work on a grid with a border of one cell, so that every module has 9 neighbours; border
	// cells are neither unknowns nor equations.
	pw := e + 2
	idx := func(x, y int) int { return (y+1)*pw + x + 1 }
	var delta [9]int
	var w [9]float64
	var norm float64
	for j, o := range kernelOffsets {
		delta[j] = o.dy*pw + o.dx
		w[j] = k.w[o.w]
		norm += w[j]
	}
	n := pw * pw
	b := make([]float64, n)
	res := make([]float64, n) // v − c − K·b at each equation
	eq := make([]bool, n)
	unknown := make([]int, 0, e*e)
	for y := 0; y < e; y++ {
		for x := 0; x < e; x++ {
			i, v := idx(x, y), float64(ext[y*e+x])
			eq[i] = true
			switch {
			case sign[y*e+x] != 0:
				b[i] = float64(sign[y*e+x])
			case norm > 0:
				b[i] = math.Max(-1, math.Min(1, (v-k.c)/norm))
				unknown = append(unknown, i)
			default:
				unknown = append(unknown, i)
			}
		}
	}
	for y := 0; y < e; y++ {
		for x := 0; x < e; x++ {
			i := idx(x, y)
			r := float64(ext[y*e+x]) - k.c
			for j := range delta {
				r -= w[j] * b[i+delta[j]]
			}
			res[i] = r
		}
	}
	// b(q) appears in the equations p = q − δ of its neighbours
	den := make([]float64, len(unknown))
	for u, q := range unknown {
		for j := range delta {
			if eq[q-delta[j]] {
				den[u] += w[j] * w[j]
			}
		}
	}
	for sweep := 0; sweep < deblurSweeps; sweep++ {
		change := 0.0
		for u, q := range unknown {
			if den[u] == 0 {
				continue
			}
			var num float64
			for j := range delta {
				if p := q - delta[j]; eq[p] {
					num += w[j] * res[p]
				}
			}
			nb := math.Max(-1, math.Min(1, b[q]+deblurRelax*num/den[u]))
			d := nb - b[q]
			if d == 0 {
				continue
			}
			b[q] = nb
			change = math.Max(change, math.Abs(d))
			for j := range delta {
				if p := q - delta[j]; eq[p] {
					res[p] -= w[j] * d
				}
			}
		}
		if change < 1e-3 {
			break
		}
	}
	out := make([]float32, e*e)
	for y := 0; y < e; y++ {
		for x := 0; x < e; x++ {
			out[y*e+x] = float32(b[idx(x, y)])
		}
	}
	return out
}
