package slip

import (
	"context"
	"fmt"

	"github.com/idbooth/idbooth/internal/atomicfile"
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
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("slip: write %s: %w: %w", path, ErrUnavailable, err)
	}
	return nil
}
