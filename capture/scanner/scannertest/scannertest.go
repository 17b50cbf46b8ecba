// Package scannertest makes a real SANE scanner for tests: SANE's pnm backend, which "scans" a
// PNM file, enabled in a configuration directory of the test's own (SANE_CONFIG_DIR), so no
// system setting is needed beyond Debian's sane-utils.
package scannertest

import (
	"bufio"
	"fmt"
	"image"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/idbooth/idbooth/capture/scanner"
	"github.com/idbooth/idbooth/internal/testsupport"
)

// WritePNM writes img as a binary PPM (P6) file at path.
func WritePNM(path string, img image.Image) error {
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
	for i := 0; i < len(rgba.Pix); i += 4 {
		w.Write(rgba.Pix[i : i+3])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Env returns the environment that enables SANE's pnm backend alone (SANE_CONFIG_DIR=dir,
// with dll.conf naming pnm), made in a temporary directory. It fails the test in CI, and skips
// it elsewhere, when scanimage is not installed.
func Env(t testing.TB) []string {
	t.Helper()
	if _, err := exec.LookPath("scanimage"); err != nil {
		testsupport.Missing(t, "scanimage (Debian: sane-utils): %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dll.conf"), []byte("pnm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"SANE_CONFIG_DIR=" + dir}
}

// Config returns a scanner configuration whose scan returns img (through the real scanimage
// and the pnm backend), plus extra options (the pnm backend's --status-jammed=yes ...).
func Config(t testing.TB, img image.Image, options ...string) scanner.Config {
	t.Helper()
	env := Env(t)
	pnm := filepath.Join(t.TempDir(), "photo.pnm")
	if err := WritePNM(pnm, img); err != nil {
		t.Fatal(err)
	}
	return scanner.Config{Device: "pnm:0", Options: append([]string{"--filename=" + pnm}, options...), Env: env}
}
