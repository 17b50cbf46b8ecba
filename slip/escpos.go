package slip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"
)

// ESC/POS command bytes (Epson's ESC/POS reference; the same on the common clones).
const (
	escposESC = 0x1B
	escposGS  = 0x1D
	escposDLE = 0x10
	escposEOT = 0x04
)

// rasterBand is the number of dot rows sent per GS v 0 command: small enough for the input
// buffers of cheap printers, large enough that no white seams appear between bands.
const rasterBand = 256

// EncodeESCPOS returns the bytes that print img (any pixel darker than mid-grey prints) on an
// ESC/POS printer: initialise, the image as GS v 0 raster bands, feed to the cutter, cut.
func EncodeESCPOS(img *image.Gray) []byte {
	b := img.Bounds()
	rowBytes := (b.Dx() + 7) / 8
	var out bytes.Buffer
	out.Write([]byte{escposESC, '@'}) // ESC @: initialise
	for y0 := b.Min.Y; y0 < b.Max.Y; y0 += rasterBand {
		h := min(rasterBand, b.Max.Y-y0)
		// GS v 0 m xL xH yL yH: m=0 normal density; x in bytes, y in dots.
		out.Write([]byte{escposGS, 'v', '0', 0, byte(rowBytes), byte(rowBytes >> 8), byte(h), byte(h >> 8)})
		for y := y0; y < y0+h; y++ {
			row := img.Pix[img.PixOffset(b.Min.X, y):]
			for xb := 0; xb < rowBytes; xb++ {
				var v byte
				for bit := 0; bit < 8; bit++ {
					x := xb*8 + bit
					if x < b.Dx() && row[x] < 128 {
						v |= 0x80 >> bit
					}
				}
				out.WriteByte(v)
			}
		}
	}
	// GS V 66 n: feed to the cutting position plus n dots, then partial cut.
	out.Write([]byte{escposGS, 'V', 66, 0})
	return out.Bytes()
}

// ESCPOS prints slips on an ESC/POS receipt printer, over TCP (port 9100, Addr) or through its
// device file (Device). Before and after the job it asks the printer's real-time status
// (DLE EOT), which answers even while the printer is offline, to catch paper out.
type ESCPOS struct {
	Addr   string
	Device string
	// Width is the printable width in dots (Width80mm or Width58mm).
	Width   int
	Timeout time.Duration
	// NoStatus skips the status requests, for a device that cannot answer them.
	NoStatus bool
}

func (p *ESCPOS) String() string {
	if p.Device != "" {
		return "escpos:" + p.Device
	}
	return "escpos://" + p.Addr
}

func (p *ESCPOS) Print(ctx context.Context, r Receipt) error {
	width := p.Width
	if width == 0 {
		width = Width80mm
	}
	img, err := RenderRaster(r, width)
	if err != nil {
		return err
	}
	if err := p.send(ctx, EncodeESCPOS(img)); err != nil {
		return fmt.Errorf("slip: %s: %w", p, err)
	}
	slog.Info("slip: printed", "printer", p.String())
	return nil
}

// deadliner is what a connection needs for the time limit: net.Conn and pollable *os.File.
type deadliner interface {
	SetDeadline(time.Time) error
}

func (p *ESCPOS) send(ctx context.Context, job []byte) error {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := p.open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Interrupt blocked I/O when ctx ends (cancellation, not only the deadline).
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	status := !p.NoStatus
	if d, ok := conn.(deadliner); ok {
		deadline, _ := ctx.Deadline()
		if err := d.SetDeadline(deadline); err != nil {
			// A device file that cannot poll: no time limit on reads, so no status either.
			slog.Warn("slip: printer device cannot answer status requests; printing without", "printer", p.String(), "err", err)
			status = false
		}
	}
	wrap := func(what string, err error) error {
		// The connection's deadline is ctx's: either may be noticed first.
		if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("%w: %s: %w", ErrTimeout, what, err)
		}
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
	}
	if status {
		st, err := queryStatus(conn)
		if err != nil {
			return wrap("status before printing", err)
		}
		if err := st.err(); err != nil {
			return err
		}
	}
	if _, err := conn.Write(job); err != nil {
		return wrap("send job", err)
	}
	// Real-time status is answered on receipt, not after the printing: this catches a paper
	// end while the job was sent; one during the last centimetres shows at the next slip.
	if status {
		st, err := queryStatus(conn)
		if err != nil {
			return wrap("status after printing", err)
		}
		if err := st.err(); err != nil {
			return fmt.Errorf("%w (during the job: the slip may be incomplete)", err)
		}
		if st.nearEnd() {
			slog.Warn("slip: receipt paper near its end", "printer", p.String())
		}
	}
	return nil
}

func (p *ESCPOS) open(ctx context.Context) (io.ReadWriteCloser, error) {
	if p.Device != "" {
		f, err := os.OpenFile(p.Device, os.O_RDWR, 0)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return f, nil
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return conn, nil
}

// escposStatus is the answer to DLE EOT 1, 2 and 4: printer, offline cause, roll paper.
type escposStatus struct{ printer, offline, paper byte }

// queryStatus sends the three real-time status requests and reads their one-byte answers.
func queryStatus(rw io.ReadWriter) (escposStatus, error) {
	req := []byte{escposDLE, escposEOT, 1, escposDLE, escposEOT, 2, escposDLE, escposEOT, 4}
	if _, err := rw.Write(req); err != nil {
		return escposStatus{}, err
	}
	var ans [3]byte
	if _, err := io.ReadFull(rw, ans[:]); err != nil {
		return escposStatus{}, fmt.Errorf("no answer to the status request: %w", err)
	}
	for i, b := range ans {
		// Every status byte has bit 1 and bit 4 set, bits 0 and 7 clear.
		if b&0x93 != 0x12 {
			return escposStatus{}, fmt.Errorf("status byte %d is %#02x: not an ESC/POS status", i+1, b)
		}
	}
	return escposStatus{printer: ans[0], offline: ans[1], paper: ans[2]}, nil
}

// err names what keeps the printer from printing, or nil.
func (s escposStatus) err() error {
	var why []string
	if s.paper&0x60 != 0 || s.offline&0x20 != 0 {
		return fmt.Errorf("%w: roll paper end (status %#02x %#02x %#02x)", ErrPaperOut, s.printer, s.offline, s.paper)
	}
	if s.offline&0x04 != 0 {
		why = append(why, "cover open")
	}
	if s.offline&0x40 != 0 {
		why = append(why, "error state")
	}
	if s.printer&0x08 != 0 && len(why) == 0 {
		why = append(why, "offline")
	}
	if len(why) > 0 {
		return fmt.Errorf("%w: %s (status %#02x %#02x %#02x)", ErrNotReady, strings.Join(why, ", "), s.printer, s.offline, s.paper)
	}
	return nil
}

// nearEnd reports the paper near-end sensor: worth a warning to the operator, still printing.
func (s escposStatus) nearEnd() bool { return s.paper&0x0C != 0 }
