package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/capture/imagefile"
)

// The counter's import folder offers only the formats imagefile reads, and a photo file is read
// as every image input is: a FIFO named like the newest photo is refused at once instead of
// holding the import until a writer comes.
func TestImportReadsOnlyImageFiles(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	for _, name := range []string{"photo.jpg", "scan.tif", "scan.pnm"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if name == "photo.jpg" {
			os.Chtimes(p, old, old) // the TIFF and the PNM are newer
		}
	}
	if got, err := newestImage(dir); err != nil || filepath.Base(got) != "photo.jpg" {
		t.Fatalf("newest image %q %v, want photo.jpg (TIFF and PNM are not read)", got, err)
	}

	fifo := filepath.Join(dir, "newest.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := readPhoto(context.Background(), nil, flow.PhotoSource{File: fifo})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, imagefile.ErrNotRegular) {
			t.Fatalf("FIFO: %v, want %v", err, imagefile.ErrNotRegular)
		}
	case <-time.After(time.Second):
		t.Fatal("importing a FIFO still blocked after 1 s")
	}
}
