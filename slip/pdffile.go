package slip

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// PDFFile "prints" the slip as a PDF file: for operators who archive slips, and for tests.
type PDFFile struct {
	Path  string
	Paper Paper
}

func (p *PDFFile) String() string { return "file:" + p.Path }

// Print writes the PDF atomically: a reader never sees half a file.
func (p *PDFFile) Print(ctx context.Context, r Receipt) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	pdf, err := RenderPDF(r, p.Paper.orDefault())
	if err != nil {
		return err
	}
	return writeFileAtomic(p.Path, pdf)
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("slip: %w: %w", ErrUnavailable, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("slip: write %s: %w: %w", path, ErrUnavailable, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("slip: write %s: %w: %w", path, ErrUnavailable, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("slip: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("slip: write %s: %w: %w", path, ErrUnavailable, err)
	}
	return nil
}
