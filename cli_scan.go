package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/capture"
	"github.com/idbooth/idbooth/qr"
)

func init() {
	commands["scan"] = command{summary: "decode the application-form QR code in image files", run: runScan}
}

// scanResult is one line of `idbooth scan` (DESIGN §2). Message (additional to the contract's
// fields) is the translated text a resident would see when the file is not a valid form.
type scanResult struct {
	File          string `json:"file"`
	OK            bool   `json:"ok"`
	ApplicationID string `json:"application_id"`
	Raw           string `json:"raw"`
	Error         string `json:"error"`
	Message       string `json:"message,omitempty"`
}

// Error codes of scan beyond the payload reasons of package qr.
const (
	scanNoQR       = "no_qr"
	scanNotAnImage = "not_an_image"
	scanIOError    = "io_error"
)

func runScan(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "scan", "FILE...")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	msgs := assets.Messages(common.lang)
	reader := qr.NewReader()
	defer reader.Close()
	code := exitOK
	for _, file := range fs.Args() {
		if err := ctx.Err(); err != nil {
			fmt.Fprintln(env.stderr, "idbooth scan:", err)
			return exitUsage
		}
		res, fileCode := scanFile(ctx, reader, file)
		if !res.OK {
			res.Message = scanMessage(msgs, res.Error)
		}
		if err := printJSON(env.stdout, res); err != nil {
			fmt.Fprintln(env.stderr, "idbooth scan:", err)
			return exitUsage
		}
		code = max(code, fileCode)
	}
	return code
}

// scanFile decodes one file and returns its line and its exit status.
func scanFile(ctx context.Context, reader *qr.Reader, file string) (scanResult, int) {
	res := scanResult{File: file}
	img, _, err := capture.LoadImageFile(file)
	defer img.Close()
	switch {
	case errors.Is(err, capture.ErrNotAnImage) || errors.Is(err, capture.ErrTooLarge):
		res.Error = scanNotAnImage + ": " + err.Error()
		return res, exitFailed
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || err != nil:
		res.Error = scanIOError + ": " + err.Error()
		return res, exitUsage
	}
	raw, err := reader.Decode(ctx, img)
	switch {
	case errors.Is(err, qr.ErrNoQR):
		res.Error = scanNoQR
		return res, exitFailed
	case err != nil:
		res.Error = scanIOError + ": " + err.Error()
		return res, exitUsage
	}
	res.Raw = raw
	id, err := qr.ParsePayload(raw)
	if err != nil {
		res.Error = err.Error()
		return res, exitFailed
	}
	res.OK, res.ApplicationID = true, string(id)
	return res, exitOK
}

// scanMessage is the resident-facing text for a scan error code.
func scanMessage(msgs *assets.Catalog, code string) string {
	switch reason := reasonCode(code); reason {
	case scanNoQR:
		return msgs.Error(qr.ErrNoQR)
	case scanNotAnImage, scanIOError:
		return msgs.T("qr.not_an_image")
	default:
		return msgs.Error(&qr.RejectError{Reason: qr.Reason(reason)})
	}
}

// reasonCode is the reason part of "reason: detail".
func reasonCode(s string) string {
	code, _, _ := strings.Cut(s, ":")
	return code
}
