// Package escpostest is a fake ESC/POS receipt printer for tests: it reads the command stream
// a real printer would, answers real-time status requests (DLE EOT) from its simulated paper
// sensor, and turns GS v 0 rasters back into images, one Job per paper cut.
package escpostest

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
	"net"
	"sync"
	"testing"
)

// Job is one printed receipt: everything between two cuts.
type Job struct {
	// Image is the printed raster: 0 where a dot printed, 255 elsewhere.
	Image *image.Gray
	// Initialized: the job began with ESC @.
	Initialized bool
	// StatusRequests counts the DLE EOT requests received during the job.
	StatusRequests int
}

// Printer is the fake printer's state, shared by its connections.
type Printer struct {
	mu       sync.Mutex
	paperOut bool
	silent   bool
	// paperLeft is the number of dot rows left on the roll; -1 means plenty.
	paperLeft int
	jobs      []Job
	errs      []error
}

// New returns a printer with plenty of paper.
func New() *Printer { return &Printer{paperLeft: -1} }

// SetPaperOut empties (true) or refills (false) the paper roll.
func (p *Printer) SetPaperOut(out bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paperOut, p.paperLeft = out, -1
}

// SetSilent makes the printer ignore status requests, like a hung or non-ESC/POS device.
func (p *Printer) SetSilent(silent bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.silent = silent
}

// SetPaperLeft leaves rows dot rows of paper: the roll runs out during a longer job.
func (p *Printer) SetPaperLeft(rows int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paperOut, p.paperLeft = rows <= 0, rows
}

// Jobs returns the receipts cut so far.
func (p *Printer) Jobs() []Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Job(nil), p.jobs...)
}

// Errors returns the protocol errors seen in the streams (unknown commands, bad rasters).
func (p *Printer) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errs...)
}

// status answers DLE EOT n like an Epson TM printer: bits 1 and 4 always set.
func (p *Printer) status(n byte) byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := byte(0x12)
	if !p.paperOut {
		return b
	}
	switch n {
	case 1:
		return b | 0x08 // offline
	case 2:
		return b | 0x20 // stopped by paper end
	case 4:
		return b | 0x60 // roll paper end sensor
	}
	return b
}

// feed consumes rows of paper; the roll may run out.
func (p *Printer) feed(rows int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paperLeft < 0 {
		return
	}
	p.paperLeft -= rows
	if p.paperLeft <= 0 {
		p.paperLeft, p.paperOut = 0, true
	}
}

// Serve reads one command stream (a connection or a device) until it ends, answering status
// requests on rw. It returns nil at the end of the stream.
func (p *Printer) Serve(rw io.ReadWriter) error {
	err := p.serve(rw)
	if err != nil {
		p.mu.Lock()
		p.errs = append(p.errs, err)
		p.mu.Unlock()
	}
	return err
}

func (p *Printer) serve(rw io.ReadWriter) error {
	br := bufio.NewReader(rw)
	var job Job
	var bands []*image.Gray
	read := func(n int) ([]byte, error) {
		b := make([]byte, n)
		_, err := io.ReadFull(br, b)
		return b, err
	}
	for {
		c, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // the client hung up
		}
		switch c {
		case 0x10: // DLE EOT n
			b, err := read(2)
			if err != nil || b[0] != 0x04 || b[1] < 1 || b[1] > 4 {
				return fmt.Errorf("escpostest: bad DLE command % x", b)
			}
			job.StatusRequests++
			p.mu.Lock()
			silent := p.silent
			p.mu.Unlock()
			if silent {
				continue
			}
			if _, err := rw.Write([]byte{p.status(b[1])}); err != nil {
				return fmt.Errorf("escpostest: answer status: %w", err)
			}
		case 0x1B: // ESC
			b, err := read(1)
			if err != nil {
				return err
			}
			switch b[0] {
			case '@':
				job.Initialized = true
			case 'd': // ESC d n: feed n lines
				if _, err := read(1); err != nil {
					return err
				}
			default:
				return fmt.Errorf("escpostest: unknown command ESC %#02x", b[0])
			}
		case 0x1D: // GS
			b, err := read(1)
			if err != nil {
				return err
			}
			switch b[0] {
			case 'v':
				band, err := readRaster(br)
				if err != nil {
					return err
				}
				p.feed(band.Bounds().Dy())
				bands = append(bands, band)
			case 'V':
				m, err := read(1)
				if err != nil {
					return err
				}
				if m[0] == 65 || m[0] == 66 { // with a feed amount
					if _, err := read(1); err != nil {
						return err
					}
				}
				img, err := stack(bands)
				if err != nil {
					return err
				}
				job.Image = img
				p.mu.Lock()
				p.jobs = append(p.jobs, job)
				p.mu.Unlock()
				job, bands = Job{}, nil
			default:
				return fmt.Errorf("escpostest: unknown command GS %#02x", b[0])
			}
		default:
			return fmt.Errorf("escpostest: unexpected byte %#02x outside a command", c)
		}
	}
}

// readRaster reads the rest of GS v 0 m xL xH yL yH d1...dk.
func readRaster(br *bufio.Reader) (*image.Gray, error) {
	var h [6]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return nil, err
	}
	if m := h[1] &^ 0x30; h[0] != '0' || m > 3 || (h[1] > 3 && h[1] < 0x30) {
		return nil, fmt.Errorf("escpostest: GS v %#02x mode %d: only GS v 0 is known", h[0], h[1])
	}
	xBytes, rows := int(h[2])|int(h[3])<<8, int(h[4])|int(h[5])<<8
	if xBytes == 0 || rows == 0 {
		return nil, fmt.Errorf("escpostest: empty raster %dx%d", xBytes, rows)
	}
	data := make([]byte, xBytes*rows)
	if _, err := io.ReadFull(br, data); err != nil {
		return nil, fmt.Errorf("escpostest: raster data: %w", err)
	}
	img := image.NewGray(image.Rect(0, 0, xBytes*8, rows))
	for i, v := range data {
		for bit := 0; bit < 8; bit++ {
			if v&(0x80>>bit) != 0 {
				img.Pix[i*8+bit] = 0
			} else {
				img.Pix[i*8+bit] = 255
			}
		}
	}
	return img, nil
}

func stack(bands []*image.Gray) (*image.Gray, error) {
	if len(bands) == 0 {
		return nil, errors.New("escpostest: cut without a raster")
	}
	w, h := bands[0].Bounds().Dx(), 0
	for _, b := range bands {
		if b.Bounds().Dx() != w {
			return nil, fmt.Errorf("escpostest: raster bands of widths %d and %d", w, b.Bounds().Dx())
		}
		h += b.Bounds().Dy()
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	off := 0
	for _, b := range bands {
		off += copy(img.Pix[off:], b.Pix)
	}
	return img, nil
}

// Listen serves the printer on TCP 127.0.0.1:9100, or an ephemeral port when 9100 is taken,
// until the test ends; it returns the address.
func (p *Printer) Listen(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:9100")
	if err != nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	conns := map[net.Conn]bool{}
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				p.Serve(c)
				mu.Lock()
				delete(conns, c)
				mu.Unlock()
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}
