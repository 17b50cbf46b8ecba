package photo

import (
	"math"

	"github.com/idbooth/idbooth/capture/face"
)

// Where the chin can be, in units of the eye–mouth distance u below the eye line: faces range
// from about 1.3u (short chin, closed mouth) to 1.9u (long chin, or a laughing open jaw).
// Between those limits the edge is searched below the lower lip.
const (
	chinMinU             = 1.3
	chinMaxU             = 1.9
	chinSearchFromMouthU = 0.25
	chinBandU            = 0.3 // half-width of the central band searched
	minChinEdge          = 4.0 // ΔE between the rows above and below the edge
)

// findChin looks for the lower edge of the chin along the face's centre: the strongest colour
// change across a row below the mouth, where the chin meets the shadow under it, the neck or
// a collar. It returns the row in view pixels and whether a clear edge was found.
func (s *Session) findChin() (float64, bool) {
	v := s.v
	u := v.unit
	m := s.landmarkV(face.Mouth)
	y0 := max(int(m.Y+chinSearchFromMouthU*u), int(v.eyeV.Y+chinMinU*u))
	y1 := int(v.eyeV.Y + chinMaxU*u)
	x0, x1 := int(v.eyeV.X-chinBandU*u), int(v.eyeV.X+chinBandU*u)
	const d = 3
	best, bestY := 0.0, -1
	for y := max(y0, d); y <= y1 && y+d < v.h; y++ {
		// Colour difference between the rows just above and just below y, across the band.
		var la, aa, ba, lb, ab, bb float64
		n := 0
		for x := max(0, x0); x <= x1 && x < v.w; x++ {
			for k := 1; k <= d; k++ {
				a, b := (y-k)*v.w+x, (y+k)*v.w+x
				if !v.valid[a] || !v.valid[b] {
					continue
				}
				la += float64(v.ls[a])
				aa += float64(v.as[a])
				ba += float64(v.bs[a])
				lb += float64(v.ls[b])
				ab += float64(v.as[b])
				bb += float64(v.bs[b])
				n++
			}
		}
		if n == 0 {
			continue
		}
		k := float64(n)
		if g := (sq(la-lb) + sq(aa-ab) + sq(ba-bb)) / (k * k); g > best {
			best, bestY = g, y
		}
	}
	best = -math.Sqrt(best)
	if bestY < 0 || -best < minChinEdge {
		return 0, false
	}
	return float64(bestY), true
}
