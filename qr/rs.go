package qr

// Reed–Solomon decoding with erasures, for the soft reader (soft.go). gozxing's decoder corrects
// errors only; a module the camera could not see (under a thumb, in glare) is better told to the
// decoder as an erasure: a block with r check codewords corrects e erasures and t errors when
// e + 2t ≤ r, twice as many unreadable codewords as unknown errors.
//
// Field and code as QR uses them: GF(256) with the polynomial x⁸+x⁴+x³+x²+1, generator roots
// α⁰…α^(r−1). A block is written highest power first: block[0] is the coefficient of x^(n−1).

var gfExp, gfLog = gfTables()

func gfTables() (exp [512]byte, log [256]int) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		log[x] = i
		if x <<= 1; x >= 256 {
			x ^= 0x11d
		}
	}
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfLog[b]]
}

func gfDiv(a, b byte) byte {
	if a == 0 {
		return 0
	}
	return gfExp[gfLog[a]+255-gfLog[b]]
}

// gfPow is α^e for any e ≥ 0.
func gfPow(e int) byte { return gfExp[e%255] }

// polyEval evaluates p (p[i] the coefficient of x^i) at x.
func polyEval(p []byte, x byte) byte {
	var y byte
	for i := len(p) - 1; i >= 0; i-- {
		y = gfMul(y, x) ^ p[i]
	}
	return y
}

// rsCorrect corrects block in place, which carries nCheck check codewords, given the indices
// of erased codewords. It returns the number of errors it corrected beyond the erasures, and
// false when the block is beyond repair: more errata than the code allows, or — the guard
// against a wrong read — a correction that does not leave `spare` check codewords unused
// (e + 2t ≤ nCheck − spare).
func rsCorrect(block []byte, nCheck int, erasures []int, spare int) (int, bool) {
	n := len(block)
	if len(erasures) > nCheck-spare || n > 255 {
		return 0, false
	}
	synd := make([]byte, nCheck)
	clean := true
	for j := range synd {
		x := gfPow(j)
		var s byte
		for _, c := range block {
			s = gfMul(s, x) ^ c
		}
		synd[j] = s
		clean = clean && s == 0
	}
	if clean {
		return 0, true // erased codewords that happen to be right need no change
	}
	// Erasure locator Γ(x) = Π (1 − X_k x), X_k = α^(n−1−i_k).
	gamma := []byte{1}
	for _, i := range erasures {
		if i < 0 || i >= n {
			return 0, false
		}
		xk := gfPow(n - 1 - i)
		next := make([]byte, len(gamma)+1)
		for d, c := range gamma {
			next[d] ^= c
			next[d+1] ^= gfMul(c, xk)
		}
		gamma = next
	}
	// Berlekamp–Massey started from Γ: the errata locator Λ of degree L = e + t.
	e := len(erasures)
	lambda := append([]byte(nil), gamma...)
	prev := append([]byte(nil), gamma...)
	L, m, b := e, 1, byte(1)
	for k := e; k < nCheck; k++ {
		var d byte
		for i := 0; i <= L && i < len(lambda); i++ {
			if k-i >= 0 {
				d ^= gfMul(lambda[i], synd[k-i])
			}
		}
		if d == 0 {
			m++
			continue
		}
		coef := gfDiv(d, b)
		next := make([]byte, max(len(lambda), len(prev)+m))
		copy(next, lambda)
		for i, c := range prev {
			next[i+m] ^= gfMul(coef, c)
		}
		if 2*L <= k+e {
			prev, L, b, m = lambda, k+1+e-L, d, 1
		} else {
			m++
		}
		lambda = next
	}
	for len(lambda) > 1 && lambda[len(lambda)-1] == 0 {
		lambda = lambda[:len(lambda)-1]
	}
	t := L - e
	if len(lambda)-1 != L || t < 0 || e+2*t > nCheck-spare {
		return 0, false
	}
	// Chien search: the errata are where Λ(X⁻¹) = 0.
	var pos []int
	for i := 0; i < n; i++ {
		if polyEval(lambda, gfPow(255-(n-1-i)%255)) == 0 {
			pos = append(pos, i)
		}
	}
	if len(pos) != L {
		return 0, false
	}
	// Forney: Ω = S·Λ mod x^r; the magnitude at X is X·Ω(X⁻¹)/Λ'(X⁻¹) (first root α⁰).
	omega := make([]byte, nCheck)
	for i, s := range synd {
		for j, l := range lambda {
			if i+j < nCheck {
				omega[i+j] ^= gfMul(s, l)
			}
		}
	}
	deriv := make([]byte, len(lambda))
	for i := 1; i < len(lambda); i += 2 {
		deriv[i-1] = lambda[i] // in characteristic 2 only the odd powers survive
	}
	for _, i := range pos {
		x := gfPow(n - 1 - i)
		xinv := gfPow(255 - (n-1-i)%255)
		den := polyEval(deriv, xinv)
		if den == 0 {
			return 0, false
		}
		block[i] ^= gfMul(x, gfDiv(polyEval(omega, xinv), den))
	}
	for j := 0; j < nCheck; j++ {
		x := gfPow(j)
		var s byte
		for _, c := range block {
			s = gfMul(s, x) ^ c
		}
		if s != 0 {
			return 0, false
		}
	}
	// Errors are the located errata outside the erasures.
	errs := 0
	for _, i := range pos {
		erased := false
		for _, j := range erasures {
			erased = erased || i == j
		}
		if !erased {
			errs++
		}
	}
	if e+2*errs > nCheck-spare {
		return 0, false
	}
	return errs, true
}
