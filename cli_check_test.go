package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/internal/testsupport"
)

func runCheckCLI(t *testing.T, args ...string) (int, []checkResult, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runMain(context.Background(), append([]string{"check"}, args...), &out, &errOut)
	var lines []checkResult
	for _, ln := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if ln == "" {
			continue
		}
		var r checkResult
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatalf("not a JSON line: %q", ln)
		}
		lines = append(lines, r)
	}
	return code, lines, errOut.String()
}

func facesDir(t *testing.T) string { return testsupport.SharedTestdata(t, "faces") }

func TestCheckCommand(t *testing.T) {
	faces := facesDir(t)
	out := filepath.Join(t.TempDir(), "crops")
	good := filepath.Join(faces, "f021.jpg")
	dark := filepath.Join(faces, "f002.jpg")

	code, lines, stderr := runCheckCLI(t, "--out", out, good)
	if code != exitOK || len(lines) != 1 {
		t.Fatalf("accepted photo: exit %d, %d lines, stderr %q", code, len(lines), stderr)
	}
	l := lines[0]
	if !l.OK || len(l.Problems) != 0 || l.Face == nil || l.Crop == nil || l.Output == "" {
		t.Fatalf("accepted photo: %+v", l)
	}
	if filepath.Base(l.Output) != "f021_35x45.jpg" {
		t.Errorf("output named %q", l.Output)
	}
	data, err := os.ReadFile(l.Output)
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "jpeg" || cfg.Width != 827 || cfg.Height != 1063 {
		t.Errorf("written crop: %v %s %dx%d", err, format, cfg.Width, cfg.Height)
	}
	if l.Crop.W*45 < l.Crop.H*35-45 || l.Crop.W*45 > l.Crop.H*35+45 {
		t.Errorf("crop %+v is not 35:45", *l.Crop)
	}

	// A refused photo: exit 1, its problems first-most-important, translated, no file written.
	code, lines, _ = runCheckCLI(t, "--lang", "en", "--out", out, good, dark)
	if code != exitFailed || len(lines) != 2 {
		t.Fatalf("mixed: exit %d, %d lines", code, len(lines))
	}
	d := lines[1]
	if d.OK || len(d.Problems) == 0 || d.Problems[0].Code != "too_dark" || d.Output != "" {
		t.Errorf("dark photo: %+v", d)
	}
	if m := d.Problems[0].Message; m == "" || strings.HasPrefix(m, "photo.") {
		t.Errorf("message %q is not a translated text", m)
	}
	// Two inputs of the same name in one run: the second crop goes beside the first.
	twin := filepath.Join(t.TempDir(), "f021.jpg")
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(twin, orig, 0o644)
	code, lines, _ = runCheckCLI(t, "--out", out, good, twin)
	if code != exitOK || len(lines) != 2 || filepath.Base(lines[0].Output) != "f021_35x45.jpg" || filepath.Base(lines[1].Output) != "f021_35x45-2.jpg" {
		t.Errorf("same-named inputs: exit %d, %+v", code, lines)
	}

	// Not an image: exit 1 with not_an_image; a missing file: exit 2 with an error.
	text := filepath.Join(t.TempDir(), "notes.jpg")
	os.WriteFile(text, []byte("not a photo"), 0o644)
	code, lines, _ = runCheckCLI(t, text)
	if code != exitFailed || len(lines) != 1 || lines[0].OK || len(lines[0].Problems) != 1 || lines[0].Problems[0].Code != "not_an_image" {
		t.Errorf("text file: exit %d, %+v", code, lines)
	}
	code, lines, _ = runCheckCLI(t, good, filepath.Join(faces, "no-such-file.jpg"))
	if code != exitUsage || len(lines) != 2 || lines[1].Error == "" || lines[1].OK {
		t.Errorf("missing file: exit %d, %+v", code, lines)
	}
	if code, _, stderr := runCheckCLI(t); code != exitUsage || !strings.Contains(stderr, "usage") {
		t.Errorf("no files: exit %d, stderr %q", code, stderr)
	}
}
