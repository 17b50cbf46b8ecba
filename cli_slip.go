package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	"log/slog"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/storage"
)

func init() {
	commands["slip"] = command{summary: "render or print an application's confirmation slip (also a reprint)", run: runSlip}
}

// slipResult is the one JSON line of `idbooth slip`.
type slipResult struct {
	Application string `json:"application"`
	Receipt     string `json:"receipt"`
	// Document is "slip", or "photo_sheet" with --photo-sheet.
	Document string `json:"document"`
	OK       bool   `json:"ok"`
	Printer  string `json:"printer,omitempty"`
	Output   string `json:"output,omitempty"`
	// Reprint counts the earlier prints of this slip (0: first print).
	Reprint int `json:"reprint"`
	// SlipState is the queue's slip state after this command.
	SlipState storage.SlipState `json:"slip_state,omitempty"`
	// Error is for operators; Message is what a resident is told, in --lang.
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

func runSlip(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "slip", "--application UUID [--out FILE.pdf | --printer NAME] [--paper a6|a4] [--photo-sheet]")
	uuid := fs.String("application", "", "the application's UUID (from `idbooth queue`)")
	out := fs.String("out", "", "write the slip as a PDF file instead of printing it (the slip state is not changed)")
	printer := fs.String("printer", "", "CUPS queue NAME, escpos://HOST:PORT[?width=58mm] or escpos:/dev/usb/lp0 (env IDBOOTH_PRINTER)")
	paperName := fs.String("paper", "a6", "PDF page for CUPS and --out: a6, or a4 with the slip at the top")
	media := fs.String("media", "", "CUPS media name instead of the paper's (e.g. Custom.105x148mm)")
	cupsServer := fs.String("cups-server", "", "CUPS server host:port or socket path (default $CUPS_SERVER, else the local socket)")
	statusURL := fs.String("status-url", slip.DefaultStatusURL, "the status page the slip's QR code leads to")
	timeout := fs.Duration("timeout", slip.DefaultTimeout, "give up on the printer after this long")
	photoSheet := fs.Bool("photo-sheet", false, "print the L-size ID-photo sheet of the application's photo instead of the slip (CUPS or --out)")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "idbooth slip: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() > 0 || *uuid == "" {
		fs.Usage()
		return exitUsage
	}
	if (*out == "") == (*printer == "") {
		return usageErr("give either --out FILE.pdf or --printer NAME")
	}
	paper, err := slip.ParsePaper(*paperName)
	if err != nil {
		return usageErr("--paper: %v", err)
	}
	var p slip.Printer
	if *out != "" {
		p = &slip.PDFFile{Path: *out, Paper: paper}
	} else if p, err = slip.OpenPrinter(*printer, slip.Options{Paper: paper, Media: *media, CUPSServer: *cupsServer, Timeout: *timeout}); err != nil {
		return usageErr("%v", err)
	}

	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, MustExist: true})
	if err != nil {
		return usageErr("%v", err)
	}
	defer store.Close()
	info, err := store.SlipInfo(ctx, *uuid)
	if err != nil {
		return usageErr("%v", err)
	}
	r := info.Receipt
	res := slipResult{Application: r.Application, Receipt: r.Number, Document: "slip", Output: *out, Reprint: r.Reprint}
	if *out == "" {
		res.Printer = p.String()
	}
	log := slog.New(slog.NewTextHandler(env.stderr, nil))
	boothPrinter := &slip.Booth{Printer: p, StatusURL: *statusURL}

	switch {
	case *photoSheet:
		res.Document = "photo_sheet"
		sp, ok := p.(slip.PhotoSheetPrinter)
		if !ok {
			return usageErr("the photo sheet prints through CUPS or into a PDF file, not on %s", p)
		}
		photo, perr := applicationPhoto(ctx, store, r.Application)
		if perr != nil {
			return usageErr("%v", perr)
		}
		err = sp.PrintPhotoSheet(ctx, photo)
	case *out != "":
		// A file is not a print: the slip state is not changed.
		err = boothPrinter.PrintSlip(ctx, r)
	default:
		// The application is safely queued whatever happens here; only the slip state moves.
		submitter := &booth.Submitter{Queue: store, Printer: boothPrinter, PrintTimeout: *timeout}
		err = submitter.PrintSlip(ctx, r)
		if e, serr := store.SlipInfo(context.WithoutCancel(ctx), r.Application); serr == nil {
			res.SlipState = e.Slip.State
		}
	}
	if err != nil {
		res.Error = err.Error()
		res.Message = assets.Messages(common.lang).Error(err)
		log.Warn("slip not printed", "application", res.Application, "receipt", res.Receipt, "document", res.Document,
			"reprint", res.Reprint, "printer", res.Printer, "output", res.Output, "err", err)
		printJSON(env.stdout, res)
		return exitFailed
	}
	res.OK = true
	// A reprint, or a slip or photo sheet taken out as a file, is on the audit trail (by an
	// operator at the shell: no clerk).
	ev := audit.Event{Kind: audit.Reprint, Subject: r.Application, Detail: res.Document}
	if *out != "" {
		ev.Kind = audit.Export
	}
	if err := store.Audit(context.WithoutCancel(ctx), ev); err != nil {
		log.Error("slip done but not recorded in the audit log", "application", res.Application, "err", err)
		printJSON(env.stdout, res)
		return exitFailed
	}
	log.Info(map[bool]string{true: "slip written", false: "slip printed"}[*out != ""], "application", res.Application, "receipt", res.Receipt, "document", res.Document,
		"reprint", res.Reprint, "printer", res.Printer, "output", res.Output)
	if err := printJSON(env.stdout, res); err != nil {
		return exitUsage
	}
	return exitOK
}

// applicationPhoto decodes the application's checked photo (gone once retention purged it).
func applicationPhoto(ctx context.Context, store *storage.Store, uuid string) (image.Image, error) {
	app, err := store.Get(ctx, uuid)
	if err != nil {
		return nil, err
	}
	photo, _, err := image.Decode(bytes.NewReader(app.Photo))
	if err != nil {
		return nil, fmt.Errorf("photo of %s: %w", uuid, err)
	}
	return photo, nil
}
