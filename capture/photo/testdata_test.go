package photo_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/internal/testsupport"
)

// sharedDir is ../shared/testdata beside the module root.
func sharedDir(t testing.TB) string { return testsupport.SharedTestdata(t) }

// A label is one row of faces/labels.tsv.
type label struct {
	File    string
	Accept  bool
	Codes   []string
	Comment string
}

func readLabels(t testing.TB, dir string) []label {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "faces", "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 {
			continue
		}
		l := label{File: cols[0], Accept: cols[1] == "accept", Comment: cols[3]}
		for _, c := range strings.Split(cols[2], ",") {
			if c = strings.TrimSpace(c); c != "" {
				l.Codes = append(l.Codes, c)
			}
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
