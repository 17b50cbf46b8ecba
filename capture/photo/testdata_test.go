package photo_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is ../shared/testdata beside the module root. Outside CI a test may skip when it is
// missing; in CI it must fail.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "testdata")
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("shared test data not found at %s", d)
		}
		t.Fatalf("shared test data missing in CI: %v", err)
	}
	return d
}

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
