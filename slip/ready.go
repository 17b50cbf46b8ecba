package slip

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// readyTimeout bounds a readiness check: an operator waits for it at a terminal.
const readyTimeout = 10 * time.Second

// A ReadyChecker says, without printing anything, whether a slip would print now: the printer
// answers, is not stopped, and has paper. The string describes the printer's state for
// operators; the error wraps one of the Err* kinds.
type ReadyChecker interface {
	Ready(ctx context.Context) (string, error)
}

// Ready asks CUPS for the queue's state. A stopped or rejecting queue is not ready even though
// the next slip would try to re-enable it: CUPS stops a queue when its printer failed.
func (c *CUPS) Ready(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	cl := c.client()
	defer cl.http.CloseIdleConnections()
	st, err := cl.printerState(ctx)
	if err != nil {
		return "", c.fail(err)
	}
	switch {
	case st.paperOut():
		return "", c.fail(fmt.Errorf("%w: queue %s", ErrPaperOut, st.describe()))
	case st.state == printerStopped || !st.accepting:
		return "", c.fail(fmt.Errorf("%w: queue %s", ErrNotReady, st.describe()))
	}
	return st.describe(), nil
}

// Ready asks the receipt printer's real-time status (DLE EOT): online, cover closed, paper in.
func (p *ESCPOS) Ready(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	conn, err := p.open(ctx)
	if err != nil {
		return "", fmt.Errorf("slip: %s: %w", p, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if p.NoStatus {
		return "reachable; it does not report its status", nil
	}
	if d, ok := conn.(deadliner); ok {
		deadline, _ := ctx.Deadline()
		if d.SetDeadline(deadline) != nil {
			return "reachable; its device cannot report status", nil
		}
	}
	st, err := queryStatus(conn)
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			return "", fmt.Errorf("slip: %s: %w: %w", p, ErrTimeout, err)
		}
		return "", fmt.Errorf("slip: %s: %w: %w", p, ErrUnavailable, err)
	}
	if err := st.err(); err != nil {
		return "", fmt.Errorf("slip: %s: %w", p, err)
	}
	if st.nearEnd() {
		return "online; paper near its end", nil
	}
	return "online, paper in", nil
}

// Ready checks that the PDF file can be written.
func (p *PDFFile) Ready(context.Context) (string, error) {
	return writableDir(filepath.Dir(p.Path))
}

// Ready checks the booth's printer, or that its folder of PDF slips can be written.
func (b *Booth) Ready(ctx context.Context) (string, error) {
	if b.Printer == nil {
		return writableDir(b.Dir)
	}
	if rc, ok := b.Printer.(ReadyChecker); ok {
		return rc.Ready(ctx)
	}
	return "cannot report its state", nil
}

// writableDir proves dir takes a new file by writing and removing one.
func writableDir(dir string) (string, error) {
	f, err := os.CreateTemp(dir, ".ready-*")
	if err != nil {
		return "", fmt.Errorf("slip: %w: folder %s: %w", ErrUnavailable, dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return "PDF files in " + dir, nil
}
