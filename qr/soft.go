package qr

import (
	"math"
	"sort"
	"sync"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// Soft decoding: the module reader (modules.go) gives each module a value, positive for dark,
// whose size says how sure it is. Format and version information are matched against every
// valid word at once (a sum of agreements, not a count of bit errors), and each Reed–Solomon
// block that fails as it is read is tried again with its least certain codewords erased —
// generalised minimum-distance decoding. The module placement, the masks and the block layout
// are the standard's (ISO/IEC 18004 §7–8), as gozxing's decoder implements them; the bytes go
// to gozxing's bit-stream parser.

// layout is where a version's data bits lie.
type layout struct {
	d       int
	version *decoder.Version
	order   []int32 // module index (y*d+x) of each data bit, in reading order
}

var (
	layoutMu    sync.Mutex
	layoutCache = map[int]*layout{}
)

// layoutFor returns the layout of a d×d code, or nil if d is not a QR size.
func layoutFor(d int) *layout {
	if d < 21 || d > 177 || (d-17)%4 != 0 {
		return nil
	}
	layoutMu.Lock()
	defer layoutMu.Unlock()
	if l, ok := layoutCache[d]; ok {
		return l
	}
	v, err := decoder.Version_GetVersionForNumber((d - 17) / 4)
	if err != nil {
		return nil
	}
	fn := functionModules(v)
	l := &layout{d: d, version: v}
	up := true
	for x := d - 1; x > 0; x -= 2 {
		if x == 6 {
			x-- // the vertical timing pattern's column
		}
		for c := 0; c < d; c++ {
			y := c
			if up {
				y = d - 1 - c
			}
			for col := 0; col < 2; col++ {
				if i := y*d + x - col; !fn[i] {
					l.order = append(l.order, int32(i))
				}
			}
		}
		up = !up
	}
	layoutCache[d] = l
	return l
}

// functionModules marks the modules that carry no data: finder patterns with their separators
// and the format information, timing patterns, alignment patterns and version information.
func functionModules(v *decoder.Version) []bool {
	d := v.GetDimensionForVersion()
	fn := make([]bool, d*d)
	set := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				fn[y*d+x] = true
			}
		}
	}
	set(0, 0, 9, 9)
	set(d-8, 0, 8, 9)
	set(0, d-8, 9, 8)
	c := v.GetAlignmentPatternCenters()
	for xi := range c {
		for yi := range c {
			if (xi == 0 && (yi == 0 || yi == len(c)-1)) || (xi == len(c)-1 && yi == 0) {
				continue
			}
			set(c[yi]-2, c[xi]-2, 5, 5)
		}
	}
	set(6, 9, 1, d-17)
	set(9, 6, d-17, 1)
	if v.GetVersionNumber() > 6 {
		set(d-11, 0, 3, 6)
		set(0, d-11, 6, 3)
	}
	return fn
}

// masked reports whether data mask m inverts the module in row y, column x.
func masked(m byte, y, x int) bool {
	switch m {
	case 0:
		return (y+x)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (y+x)%3 == 0
	case 4:
		return (y/2+x/3)%2 == 0
	case 5:
		return (y*x)%6 == 0
	case 6:
		return (y*x)%6 < 3
	default:
		return (y+x+(y*x)%3)%2 == 0
	}
}

// formatWords are the 32 masked format-information words; index = EC bits << 3 | mask.
var formatWords = [32]uint{
	0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0,
	0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976,
	0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255, 0x0D0C, 0x083B,
	0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED,
}

// formatCells returns the modules of the two copies of the format information, most
// significant bit first (as gozxing's BitMatrixParser reads them), as (x, y).
func formatCells(d int) (a, b [15][2]int) {
	k := 0
	for x := 0; x < 6; x++ {
		a[k] = [2]int{x, 8}
		k++
	}
	a[6], a[7], a[8] = [2]int{7, 8}, [2]int{8, 8}, [2]int{8, 7}
	k = 9
	for y := 5; y >= 0; y-- {
		a[k] = [2]int{8, y}
		k++
	}
	k = 0
	for y := d - 1; y >= d-7; y-- {
		b[k] = [2]int{8, y}
		k++
	}
	for x := d - 8; x < d; x++ {
		b[k] = [2]int{x, 8}
		k++
	}
	return a, b
}

// versionCells returns the two copies of the version information (versions 7 and up), most
// significant bit first.
func versionCells(d int) (a, b [18][2]int) {
	k := 0
	for y := 5; y >= 0; y-- {
		for x := d - 9; x >= d-11; x-- {
			a[k] = [2]int{x, y}
			k++
		}
	}
	k = 0
	for x := 5; x >= 0; x-- {
		for y := d - 9; y >= d-11; y-- {
			b[k] = [2]int{x, y}
			k++
		}
	}
	return a, b
}

// agreement is how well the soft values at cells agree with the bits of word (MSB first):
// the sum of the values with the sign each bit asks for.
func agreement(m []float32, d int, cells [][2]int, word uint) float64 {
	s := 0.0
	n := len(cells)
	for k, c := range cells {
		v := float64(m[c[1]*d+c[0]])
		if word>>(n-1-k)&1 == 1 {
			s += v
		} else {
			s -= v
		}
	}
	return s
}

// Guards of soft decoding. An erased codeword costs one check codeword, an error two; a block
// decoded with erasures must leave erasureSpare check codewords unused, so that a block the
// camera garbled is refused rather than "corrected" into another.
const (
	erasureSpare   = 4
	formatTries    = 2    // format words tried, best agreement first
	minFormatShare = 0.25 // the best format word's agreement over the sum of |values|: chance is ~0
)

// decodeSoft decodes a d×d grid of soft module values (row-major, > 0 dark). ok is false when
// the grid does not decode.
func decodeSoft(m []float32, d int) (string, bool) {
	l := layoutFor(d)
	if l == nil || len(m) != d*d {
		return "", false
	}
	if l.version.GetVersionNumber() >= 7 && !versionAgrees(m, d, l.version.GetVersionNumber()) {
		return "", false
	}
	fa, fb := formatCells(d)
	cells := append(fa[:], fb[:]...)
	type cand struct {
		word  int
		score float64
	}
	var cands []cand
	for w, word := range formatWords {
		cands = append(cands, cand{w, agreement(m, d, fa[:], word) + agreement(m, d, fb[:], word)})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	total := 0.0
	for _, c := range cells {
		total += math.Abs(float64(m[c[1]*d+c[0]]))
	}
	for _, c := range cands[:formatTries] {
		if total == 0 || c.score < minFormatShare*total {
			break
		}
		if text, ok := decodeData(m, l, c.word); ok {
			return text, true
		}
	}
	return "", false
}

// versionAgrees reports whether the version information read softly names version v.
func versionAgrees(m []float32, d, v int) bool {
	a, b := versionCells(d)
	best, bestScore := 0, math.Inf(-1)
	for i, word := range decoder.VERSION_DECODE_INFO {
		s := agreement(m, d, a[:], uint(word)) + agreement(m, d, b[:], uint(word))
		if s > bestScore {
			best, bestScore = i+7, s
		}
	}
	return best == v
}

// decodeData reads the codewords under format word fw (EC level bits << 3 | mask) and decodes them.
func decodeData(m []float32, l *layout, fw int) (string, bool) {
	ec, err := decoder.ErrorCorrectionLevel_ForBits(uint(fw >> 3))
	if err != nil {
		return "", false
	}
	mask := byte(fw & 7)
	d := l.d
	total := l.version.GetTotalCodewords()
	words := make([]byte, total)
	conf := make([]byte, total) // each codeword's least certain bit, 0..255
	for c := range conf {
		conf[c] = 255
	}
	for k := 0; k < total*8; k++ {
		i := int(l.order[k])
		v := m[i]
		bit := (v > 0) != masked(mask, i/d, i%d)
		c := k / 8
		if bit {
			words[c] |= 0x80 >> (k % 8)
		}
		q := byte(math.Min(255, math.Abs(float64(v))*255))
		conf[c] = min(conf[c], q)
	}
	blocks, err := decoder.DataBlock_GetDataBlocks(words, l.version, ec)
	if err != nil {
		return "", false
	}
	confBlocks, err := decoder.DataBlock_GetDataBlocks(conf, l.version, ec)
	if err != nil {
		return "", false
	}
	nCheck := l.version.GetECBlocksForLevel(ec).GetECCodewordsPerBlock()
	var data []byte
	for bi, b := range blocks {
		cw := b.GetCodewords()
		if !correctBlock(cw, confBlocks[bi].GetCodewords(), nCheck) {
			return "", false
		}
		data = append(data, cw[:b.GetNumDataCodewords()]...)
	}
	res, err := decoder.DecodedBitStreamParser_Decode(data, l.version, ec, nil)
	if err != nil || res.GetText() == "" {
		return "", false
	}
	return res.GetText(), true
}

// correctBlock repairs one block in place: first as read, then with ever more of its least
// certain codewords erased.
func correctBlock(cw, conf []byte, nCheck int) bool {
	try := append([]byte(nil), cw...)
	if _, ok := rsCorrect(try, nCheck, nil, 0); ok {
		copy(cw, try)
		return true
	}
	idx := make([]int, len(cw))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return conf[idx[a]] < conf[idx[b]] })
	for e := 2; e <= nCheck-erasureSpare; e += 2 {
		copy(try, cw)
		if _, ok := rsCorrect(try, nCheck, idx[:e], erasureSpare); ok {
			copy(cw, try)
			return true
		}
	}
	return false
}
