package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/internal/formgen"
)

// scanFrameFile renders a form with payload into a camera-like frame and writes it as name.
func scanFrameFile(t *testing.T, dir, name, payload string) string {
	t.Helper()
	page, err := formgen.Form(payload, formgen.FormOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ax, ay := page.QRCenter()
	img, err := formgen.Frame(page, formgen.FrameOptions{Scale: 5.0 / 6, AnchorX: ax, AnchorY: ay, Rotation: 200, TiltX: 12, Blur: 0.7, Noise: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if strings.HasSuffix(name, ".png") {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	}
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, buf.Bytes())
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bombPNG is a valid 1×1 PNG whose header claims 30000×30000 pixels.
func bombPNG(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[16:], 30000)
	binary.BigEndian.PutUint32(b[20:], 30000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func runScanCLI(t *testing.T, args ...string) (int, []scanResult, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runMain(context.Background(), append([]string{"scan"}, args...), &out, &errOut)
	var lines []scanResult
	for _, ln := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if ln == "" {
			continue
		}
		var r scanResult
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatalf("not a JSON line: %q", ln)
		}
		lines = append(lines, r)
	}
	return code, lines, errOut.String()
}

func TestScanCommand(t *testing.T) {
	dir := t.TempDir()
	const id = "73241688053052503051788"
	good := scanFrameFile(t, dir, "good.jpg", "https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?shinseiId="+id)
	grouped := scanFrameFile(t, dir, "grouped.png", "7324 1688 0530 5250 3051 788")
	phishing := "http://kojinbango-card.go.jp.account-verify.com/?shinseiId=" + id
	bad := scanFrameFile(t, dir, "phishing.jpg", phishing)
	var blankBuf bytes.Buffer
	blank := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := range blank.Pix {
		blank.Pix[i] = 0xee
	}
	blank.Set(5, 5, color.Black)
	png.Encode(&blankBuf, blank)
	blankFile := writeFile(t, dir, "blank.png", blankBuf.Bytes())
	goodBytes, _ := os.ReadFile(good)
	truncated := writeFile(t, dir, "truncated.jpg", goodBytes[:len(goodBytes)/3])
	groupedBytes, _ := os.ReadFile(grouped)
	truncatedPNG := writeFile(t, dir, "truncated.png", groupedBytes[:len(groupedBytes)/3])
	empty := writeFile(t, dir, "empty.png", nil)
	text := writeFile(t, dir, "notes.png", []byte("this is not an image\n"))
	bomb := writeFile(t, dir, "bomb.png", bombPNG(t))

	code, lines, _ := runScanCLI(t, good, grouped)
	if code != exitOK || len(lines) != 2 {
		t.Fatalf("good files: exit %d, %d lines", code, len(lines))
	}
	for _, l := range lines {
		if !l.OK || l.ApplicationID != id || l.Error != "" || l.Raw == "" || l.Message != "" {
			t.Errorf("good file: %+v", l)
		}
	}

	code, lines, _ = runScanCLI(t, "--lang", "en", good, bad, blankFile, truncatedPNG, empty, text, bomb, truncated)
	if code != exitFailed || len(lines) != 8 {
		t.Fatalf("mixed files: exit %d, %d lines", code, len(lines))
	}
	want := []struct{ errPrefix, raw string }{
		{"", ""},
		{"not_https", phishing},
		{"no_qr", ""},
		{"not_an_image: ", ""},
		{"not_an_image: ", ""},
		{"not_an_image: ", ""},
		{"not_an_image: image too large", ""},
		// OpenCV would decode the first third of a truncated JPEG and grey out the rest;
		// capture refuses it from the missing end-of-image marker.
		{"not_an_image: ", ""},
	}
	for i, w := range want[1:] {
		l := lines[i+1]
		if l.OK || l.ApplicationID != "" || !strings.HasPrefix(l.Error, w.errPrefix) || l.Raw != w.raw {
			t.Errorf("%s: %+v, want error %q raw %q", filepath.Base(l.File), l, w.errPrefix, w.raw)
		}
		if l.Message == "" || strings.HasPrefix(l.Message, "qr.") || strings.ContainsAny(l.Message, "申請") {
			t.Errorf("%s: message %q is not an English text", filepath.Base(l.File), l.Message)
		}
	}

	code, lines, _ = runScanCLI(t, good, filepath.Join(dir, "missing.jpg"))
	if code != exitUsage || len(lines) != 2 || !strings.HasPrefix(lines[1].Error, "io_error: ") {
		t.Errorf("missing file: exit %d, %+v", code, lines)
	}
	if code, lines, stderr := runScanCLI(t); code != exitUsage || len(lines) != 0 || !strings.Contains(stderr, "usage") {
		t.Errorf("no files: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runScanCLI(t, "--no-such-flag", good); code != exitUsage {
		t.Errorf("bad flag: exit %d", code)
	}
}
