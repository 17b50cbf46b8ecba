package face

import "sort"

// weightedNMS merges overlapping detections of the same face, as MediaPipe does: the best
// detection of each cluster keeps its score, and its box and landmarks become the
// score-weighted mean of every detection overlapping it by more than minIoU. Averaging many
// anchors steadies the landmarks far more than keeping only the best one.
func weightedNMS(dets []Face, minIoU float64) []Face {
	rest := append([]Face(nil), dets...)
	sort.SliceStable(rest, func(i, j int) bool { return rest[i].Score > rest[j].Score })
	var out []Face
	for len(rest) > 0 {
		best := rest[0]
		var merged Face
		var wsum float64
		keep := rest[:0:0]
		for _, d := range rest {
			if iou(best, d) <= minIoU {
				keep = append(keep, d)
				continue
			}
			w := d.Score
			wsum += w
			merged.X += w * d.X
			merged.Y += w * d.Y
			merged.W += w * d.W
			merged.H += w * d.H
			for k := range merged.Landmarks {
				merged.Landmarks[k].X += w * d.Landmarks[k].X
				merged.Landmarks[k].Y += w * d.Landmarks[k].Y
			}
		}
		merged.X /= wsum
		merged.Y /= wsum
		merged.W /= wsum
		merged.H /= wsum
		for k := range merged.Landmarks {
			merged.Landmarks[k].X /= wsum
			merged.Landmarks[k].Y /= wsum
		}
		merged.Score = best.Score
		out = append(out, merged)
		rest = keep
	}
	return out
}
