package qr

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/internal/testsupport"
	"gocv.io/x/gocv"
)

func sharedTestdata(t testing.TB, sub string) string { return testsupport.SharedTestdata(t, sub) }

// normText compares decoded texts as the labels do: CRLF as LF, trailing newlines dropped.
func normText(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

type photoCase struct{ file, want string }

// photoCases lists ../shared/testdata/qr: NAME.png with NAME.txt holding the expected text.
func photoCases(t testing.TB) []photoCase {
	dir := sharedTestdata(t, "qr")
	pngs, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil || len(pngs) == 0 {
		t.Fatalf("no photos in %s", dir)
	}
	var out []photoCase
	for _, p := range pngs {
		b, err := os.ReadFile(strings.TrimSuffix(p, ".png") + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, photoCase{p, normText(string(b))})
	}
	return out
}

type formCase struct{ file, payload, id string }

// formCases reads ../shared/testdata/formqr/labels.tsv; id is "" for the negatives.
func formCases(t testing.TB) []formCase {
	dir := sharedTestdata(t, "formqr")
	f, err := os.Open(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []formCase
	for _, rec := range recs[1:] {
		id := rec[2]
		if rec[3] != "ok" {
			id = ""
		}
		out = append(out, formCase{filepath.Join(dir, rec[0]), rec[1], id})
	}
	return out
}

// loadImage reads an image file into a BGR Mat (the caller closes it).
func loadImage(t testing.TB, file string) gocv.Mat {
	t.Helper()
	m, _, err := capture.LoadImageFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
