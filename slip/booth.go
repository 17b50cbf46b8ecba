package slip

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"github.com/idbooth/idbooth/booth"
)

// Booth is the booth's printer as the Submitter and the kiosk use it: slips (and the ID-photo
// sheet) on a Printer, with the booth's status page; or, with no printer, PDF files in a folder,
// named after the receipt number (a machine without a printer, `make run`).
type Booth struct {
	// Printer prints; nil writes PDF files into Dir instead.
	Printer   Printer
	Dir       string
	StatusURL string
}

// OpenBooth reads a booth's printer setting: "pdf:DIR" (PDF files in DIR, created 0700), or
// what OpenPrinter takes.
func OpenBooth(spec, statusURL string, opts Options) (*Booth, error) {
	if dir, ok := strings.CutPrefix(spec, "pdf:"); ok {
		if dir == "" {
			return nil, errors.New("slip: printer pdf: needs a folder (pdf:DIR)")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("slip: printer %s: %w", spec, err)
		}
		return &Booth{Dir: dir, StatusURL: statusURL}, nil
	}
	p, err := OpenPrinter(spec, opts)
	if err != nil {
		return nil, err
	}
	return &Booth{Printer: p, StatusURL: statusURL}, nil
}

// String names the printer for operators.
func (b *Booth) String() string {
	if b.Printer != nil {
		return b.Printer.String()
	}
	return "pdf:" + b.Dir
}

// PrintSlip prints r (booth.SlipPrinter).
func (b *Booth) PrintSlip(ctx context.Context, r booth.Receipt) error {
	p := b.Printer
	if p == nil {
		p = &PDFFile{Path: b.SlipFile(r)}
	}
	return p.Print(ctx, Receipt{Receipt: r, StatusURL: b.StatusURL})
}

// SlipFile is where the slip of r goes when the booth writes files ("" with a printer).
func (b *Booth) SlipFile(r booth.Receipt) string {
	if b.Printer != nil {
		return ""
	}
	name := "slip-" + r.Number
	if r.Reprint > 0 {
		name += fmt.Sprintf("-reprint%d", r.Reprint)
	}
	return filepath.Join(b.Dir, name+".pdf")
}

// PrintPhotoSheet prints the ID-photo sheet of the application r: through CUPS, or into the
// folder.
func (b *Booth) PrintPhotoSheet(ctx context.Context, r booth.Receipt, photo image.Image) error {
	var p PhotoSheetPrinter
	switch sp := b.Printer.(type) {
	case nil:
		p = &PDFFile{Path: filepath.Join(b.Dir, "photo-sheet-"+r.Number+".pdf")}
	case PhotoSheetPrinter:
		p = sp
	default:
		return fmt.Errorf("slip: %s cannot print the photo sheet (CUPS or PDF only)", b.Printer)
	}
	return p.PrintPhotoSheet(ctx, photo)
}
