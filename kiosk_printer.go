package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"github.com/idbooth/idbooth/app"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/config"
	"github.com/idbooth/idbooth/slip"
)

// kioskPrinter is the kiosk's slip printer: a real one (CUPS, ESC/POS), or a folder of PDF
// files for a machine without one (make run), named after the receipt number.
type kioskPrinter struct {
	printer   slip.Printer // nil in folder mode
	dir       string
	statusURL string
}

// openKioskPrinter reads the --printer setting: "" (a folder of PDFs in the data directory),
// "none", "pdf:DIR", or what slip.OpenPrinter takes.
func openKioskPrinter(spec, statusURL string) (app.Printing, error) {
	switch {
	case spec == "none":
		return nil, nil
	case spec == "":
		spec = "pdf:" + filepath.Join(config.DataDir(), "slips")
	}
	if dir, ok := strings.CutPrefix(spec, "pdf:"); ok {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("--printer %s: %w", spec, err)
		}
		return &kioskPrinter{dir: dir, statusURL: statusURL}, nil
	}
	p, err := slip.OpenPrinter(spec, slip.Options{})
	if err != nil {
		return nil, err
	}
	return &kioskPrinter{printer: p, statusURL: statusURL}, nil
}

func (k *kioskPrinter) String() string {
	if k.printer != nil {
		return k.printer.String()
	}
	return "pdf:" + k.dir
}

func (k *kioskPrinter) PrintSlip(ctx context.Context, r booth.Receipt) error {
	p := k.printer
	if p == nil {
		p = &slip.PDFFile{Path: k.SlipFile(r)}
	}
	return p.Print(ctx, slip.Receipt{Receipt: r, StatusURL: k.statusURL})
}

// SlipFile is where the slip of r is written in folder mode ("" otherwise).
func (k *kioskPrinter) SlipFile(r booth.Receipt) string {
	if k.printer != nil {
		return ""
	}
	name := "slip-" + r.Number
	if r.Reprint > 0 {
		name += fmt.Sprintf("-reprint%d", r.Reprint)
	}
	return filepath.Join(k.dir, name+".pdf")
}

func (k *kioskPrinter) PrintPhotoSheet(ctx context.Context, r booth.Receipt, photo image.Image) error {
	var p slip.PhotoSheetPrinter
	switch sp := k.printer.(type) {
	case nil:
		p = &slip.PDFFile{Path: filepath.Join(k.dir, "photo-sheet-"+r.Number+".pdf")}
	case slip.PhotoSheetPrinter:
		p = sp
	default:
		return errors.New("this printer cannot print the photo sheet (CUPS or PDF only)")
	}
	return p.PrintPhotoSheet(ctx, photo)
}
