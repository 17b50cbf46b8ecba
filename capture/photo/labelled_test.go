package photo_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/capture/photo"
)

// The verdicts on ../shared/testdata/faces against its labels: at least 95% right, at most 2%
// of the rejects accepted, and the first problem of a refused photo among its labelled codes
// for most of them. Prints the confusion matrix and every miss.
func TestLabelledFaces(t *testing.T) {
	dir := sharedDir(t)
	labels := readLabels(t, dir)
	c := newChecker(t, photo.Options{})
	var tp, tn, fp, fn, rejects, reasonRight int
	var misses []string
	for _, l := range labels {
		r, err := c.CheckFile(filepath.Join(dir, "faces", l.File))
		if err != nil {
			t.Fatalf("%s: %v", l.File, err)
		}
		codes := r.Codes()
		switch {
		case l.Accept && r.OK:
			tp++
		case !l.Accept && !r.OK:
			tn++
			rejects++
			if slices.Contains(l.Codes, string(codes[0])) {
				reasonRight++
			} else {
				misses = append(misses, fmt.Sprintf("%s first reason %s, labelled %s", l.File, codes[0], strings.Join(l.Codes, ",")))
			}
		case l.Accept:
			fn++
			misses = append(misses, fmt.Sprintf("%s refused %v, labelled accept", l.File, codes))
		default:
			fp++
			misses = append(misses, fmt.Sprintf("%s accepted, labelled %s", l.File, strings.Join(l.Codes, ",")))
		}
	}
	n := len(labels)
	neg := tn + fp
	t.Logf("confusion matrix (rows: label, columns: verdict)\n"+
		"              accepted  refused\n"+
		"  accept      %8d  %7d\n"+
		"  reject      %8d  %7d\n"+
		"verdicts right %d/%d (%.1f%%), false accepts %d/%d (%.1f%%), first reason among the labels %d/%d",
		tp, fn, fp, tn, tp+tn, n, 100*float64(tp+tn)/float64(n), fp, neg, 100*float64(fp)/float64(neg), reasonRight, rejects)
	for _, m := range misses {
		t.Log(m)
	}
	if float64(tp+tn) < 0.95*float64(n) {
		t.Errorf("accuracy %d/%d under 95%%", tp+tn, n)
	}
	if float64(fp) > 0.02*float64(neg) {
		t.Errorf("false accepts %d/%d over 2%%", fp, neg)
	}
	if float64(reasonRight) < 0.85*float64(rejects) {
		t.Errorf("first reason among the labels for only %d/%d refused photos", reasonRight, rejects)
	}
}
