package qr

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// rsBlock encodes random data with gozxing's encoder (the one QR codes are written with).
func rsBlock(t *testing.T, rng *rand.Rand, nData, nCheck int) []byte {
	t.Helper()
	ints := make([]int, nData+nCheck)
	for i := 0; i < nData; i++ {
		ints[i] = rng.IntN(256)
	}
	if err := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_QR_CODE_FIELD_256).Encode(ints, nCheck); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, len(ints))
	for i, v := range ints {
		b[i] = byte(v)
	}
	return b
}

// Within e + 2t ≤ r − spare every block is repaired exactly; beyond the code's reach nothing is
// ever "repaired" into a different block without saying so... as long as spare is kept.
func TestRSCorrectErasuresAndErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 3000; trial++ {
		nCheck := []int{7, 10, 16, 18, 22, 26, 28, 30}[trial%8]
		nData := 10 + rng.IntN(100)
		block := rsBlock(t, rng, nData, nCheck)
		n := len(block)
		spare := []int{0, 2, 4}[trial%3]
		e := rng.IntN(nCheck - spare + 1)
		tt := (nCheck - spare - e) / 2
		if tt > 0 {
			tt = rng.IntN(tt + 1)
		}
		got := append([]byte(nil), block...)
		perm := rng.Perm(n)
		erasures := perm[:e]
		for _, i := range erasures {
			if rng.IntN(4) > 0 { // some erased codewords happen to be right
				got[i] = byte(rng.IntN(256))
			}
		}
		for _, i := range perm[e : e+tt] {
			got[i] ^= byte(1 + rng.IntN(255))
		}
		errs, ok := rsCorrect(got, nCheck, erasures, spare)
		if !ok || !bytes.Equal(got, block) {
			t.Fatalf("trial %d: n=%d r=%d e=%d t=%d spare=%d: ok=%v, block repaired=%v", trial, n, nCheck, e, tt, spare, ok, bytes.Equal(got, block))
		}
		if errs != tt {
			t.Fatalf("trial %d: %d errors reported, %d made", trial, errs, tt)
		}
	}
}

// Far beyond the code's reach (random blocks), the decoder must refuse far more often than it
// miscorrects, and with spare check codewords kept it must practically never accept.
func TestRSCorrectRefusesGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for trial := 0; trial < 2000; trial++ {
		block := make([]byte, 43)
		for i := range block {
			block[i] = byte(rng.IntN(256))
		}
		erasures := rng.Perm(43)[:8]
		if _, ok := rsCorrect(block, 16, erasures, 4); ok {
			accepted++
		}
	}
	if accepted > 0 {
		t.Errorf("%d of 2000 random blocks accepted with 8 erasures and 4 spare check codewords", accepted)
	}
	block := rsBlock(t, rng, 30, 10)
	if _, ok := rsCorrect(block, 10, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0); ok {
		t.Error("more erasures than check codewords accepted")
	}
}
