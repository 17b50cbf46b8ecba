package slip

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// A Printer prints slips: it renders the receipt in its own format (PDF for CUPS and files, a
// raster for ESC/POS) and returns when the slip is out or has definitely failed.
type Printer interface {
	Print(ctx context.Context, r Receipt) error
	// String names the printer for operators' logs, without any personal data.
	String() string
}

// Kinds of print failure, for errors.Is; the error text says which printer and why.
// Each names the message the resident sees (assets/i18n/*/slip.json), which always says the
// application itself was received: printing happens after queueing.
var (
	// ErrUnavailable: the printer or CUPS cannot be reached (not running, no network, no device).
	ErrUnavailable = booth.NewKind("printer unavailable", "slip.error.print_failed")
	// ErrNotFound: CUPS has no such queue.
	ErrNotFound = booth.NewKind("no such printer", "slip.error.print_failed")
	// ErrPaperOut: the printer reports that its paper ran out.
	ErrPaperOut = booth.NewKind("printer out of paper", "slip.error.paper_out")
	// ErrNotReady: the printer is stopped, offline or open and could not be brought back.
	ErrNotReady = booth.NewKind("printer not ready", "slip.error.print_failed")
	// ErrTimeout: the job did not finish in time; it was cancelled so it cannot print later.
	ErrTimeout = booth.NewKind("print timed out", "slip.error.print_failed")
	// ErrJobFailed: CUPS aborted or cancelled the job.
	ErrJobFailed = booth.NewKind("print job failed", "slip.error.print_failed")
)

// DefaultTimeout bounds one print, from connecting to the finished job.
const DefaultTimeout = 60 * time.Second

// Options configure the printers OpenPrinter makes.
type Options struct {
	// Paper is the PDF page of CUPS and file printers (PaperA6 when empty).
	Paper Paper
	// Media overrides the CUPS media name derived from Paper (e.g. "Custom.105x148mm").
	Media string
	// CUPSServer is host:port or a socket path; empty: $CUPS_SERVER, else the local socket.
	CUPSServer string
	// Timeout bounds one print (DefaultTimeout when zero).
	Timeout time.Duration
}

// OpenPrinter makes the printer a booth's configuration names:
//
//	NAME or cups:NAME             a CUPS queue, the slip as a PDF page
//	escpos://HOST[:PORT]          an ESC/POS receipt printer on TCP (port 9100 by default)
//	escpos:/dev/usb/lp0           an ESC/POS receipt printer's device file
//	file:/path/slip.pdf           a PDF file (tests, archiving)
//
// ESC/POS printers take ?width=80mm|58mm|DOTS (80mm by default) and ?status=off for a
// device that cannot answer status requests.
func OpenPrinter(spec string, o Options) (Printer, error) {
	o.Paper = o.Paper.orDefault()
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	scheme, rest, hasScheme := strings.Cut(spec, ":")
	if !hasScheme || strings.ContainsAny(scheme, "/.") {
		scheme, rest = "cups", spec
	}
	switch scheme {
	case "cups":
		if rest == "" || strings.ContainsAny(rest, "/# \t") {
			return nil, fmt.Errorf("slip: printer %q: not a CUPS queue name", spec)
		}
		return &CUPS{Queue: rest, Server: o.CUPSServer, Paper: o.Paper, Media: o.Media, Timeout: o.Timeout}, nil
	case "file":
		u, err := url.Parse(spec)
		if err != nil || u.Path == "" {
			return nil, fmt.Errorf("slip: printer %q: want file:/path/slip.pdf", spec)
		}
		return &PDFFile{Path: u.Path, Paper: o.Paper}, nil
	case "escpos":
		u, err := url.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("slip: printer %q: %w", spec, err)
		}
		width, err := parseWidth(u.Query().Get("width"))
		if err != nil {
			return nil, fmt.Errorf("slip: printer %q: %w", spec, err)
		}
		p := &ESCPOS{Width: width, Timeout: o.Timeout, NoStatus: u.Query().Get("status") == "off"}
		switch {
		case u.Host != "":
			p.Addr = u.Host
			if u.Port() == "" {
				p.Addr = net.JoinHostPort(u.Hostname(), "9100")
			}
		case u.Path != "" || u.Opaque != "":
			p.Device = u.Path
			if p.Device == "" {
				p.Device = u.Opaque
			}
		default:
			return nil, fmt.Errorf("slip: printer %q: want escpos://HOST:PORT or escpos:/dev/DEVICE", spec)
		}
		return p, nil
	}
	return nil, fmt.Errorf("slip: printer %q: unknown kind %q", spec, scheme)
}

func parseWidth(s string) (int, error) {
	switch s {
	case "", "80mm", "80":
		return Width80mm, nil
	case "58mm", "58":
		return Width58mm, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, "dots"))
	if err != nil || n < 256 || n%8 != 0 {
		return 0, fmt.Errorf("width %q: want 80mm, 58mm or a number of dots (multiple of 8, at least 256)", s)
	}
	return n, nil
}
