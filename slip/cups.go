package slip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// CUPS prints on a CUPS queue over IPP and follows the job to its end.
//
// A queue that CUPS stopped (a paper-out stops the queue under CUPS's default error policy,
// and it stays stopped after the paper is refilled) or that rejects jobs is brought back with
// cupsenable and cupsaccept before printing: these tools authenticate the way the local CUPS
// expects (root or a member of its SystemGroup, e.g. lpadmin, over the local socket).
type CUPS struct {
	Queue string
	// Server is host:port or the path of CUPS's socket; empty: $CUPS_SERVER, else
	// /run/cups/cups.sock, else localhost:631.
	Server string
	Paper  Paper
	// Media overrides Paper's media name.
	Media string
	// PhotoMedia is the media of the photo sheet (PhotoSheetMedia when empty).
	PhotoMedia string
	Timeout    time.Duration
	// NoRecover leaves a stopped queue alone (a slip then fails with ErrNotReady).
	NoRecover bool
	// Poll is how often the job is looked at (250 ms when zero).
	Poll time.Duration
}

func (c *CUPS) String() string { return "cups:" + c.Queue + "@" + c.server() }

func (c *CUPS) server() string {
	if c.Server != "" {
		return c.Server
	}
	if s := os.Getenv("CUPS_SERVER"); s != "" {
		return s
	}
	if _, err := os.Stat("/run/cups/cups.sock"); err == nil {
		return "/run/cups/cups.sock"
	}
	return "localhost:631"
}

// Print renders the slip as a PDF page and prints it.
func (c *CUPS) Print(ctx context.Context, r Receipt) error {
	paper := c.Paper.orDefault()
	pdf, err := RenderPDF(r, paper)
	if err != nil {
		return err
	}
	media := c.Media
	if media == "" {
		media = paper.Media()
	}
	return c.PrintPDF(ctx, "slip "+r.Number, pdf, media)
}

// PrintPDF prints a PDF document on the queue and waits until CUPS completed the job. On any
// failure the job is cancelled, so that nothing prints later unexpectedly (a reprint would
// then print twice).
func (c *CUPS) PrintPDF(ctx context.Context, title string, pdf []byte, media string) error {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cl := c.client()
	defer cl.http.CloseIdleConnections()

	st, err := cl.printerState(ctx)
	if err != nil {
		return c.fail(err)
	}
	if st.state == printerStopped || !st.accepting {
		if err := c.recover(ctx, st); err != nil {
			return c.fail(err)
		}
	}
	jobID, err := cl.printJob(ctx, title, pdf, media)
	if err != nil {
		return c.fail(err)
	}
	if err := cl.await(ctx, jobID, c.poll()); err != nil {
		// Cancel with a fresh context: ctx may be what ran out.
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if cerr := cl.cancelJob(cctx, jobID); cerr != nil {
			slog.Warn("slip: cancelling failed CUPS job", "printer", c.String(), "job", jobID, "err", cerr)
		}
		ccancel()
		return c.fail(err)
	}
	slog.Info("slip: printed", "printer", c.String(), "job", jobID)
	return nil
}

func (c *CUPS) poll() time.Duration {
	if c.Poll > 0 {
		return c.Poll
	}
	return 250 * time.Millisecond
}

func (c *CUPS) fail(err error) error {
	if errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrTimeout) {
		err = fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return fmt.Errorf("slip: %s: %w", c, err)
}

// recover re-enables a stopped queue and makes it accept jobs again.
func (c *CUPS) recover(ctx context.Context, st printerState) error {
	if c.NoRecover {
		return fmt.Errorf("%w: queue %s (%s)", ErrNotReady, st.describe(), "recovery disabled")
	}
	slog.Warn("slip: re-enabling CUPS queue", "printer", c.String(), "state", st.describe())
	for _, tool := range []string{"cupsenable", "cupsaccept"} {
		cmd := exec.CommandContext(ctx, sbinTool(tool), "-h", c.server(), c.Queue)
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%w: queue %s; %s failed: %w: %s", ErrNotReady, st.describe(), tool, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// sbinTool finds a CUPS administration tool: Debian installs them in /usr/sbin, which is not
// on an ordinary user's PATH.
func sbinTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return "/usr/sbin/" + name
}

// ippClient is an IPP client for one CUPS server and queue.
type ippClient struct {
	http       *http.Client
	base       string // http://host:port
	printerURI string
	queue      string
	user       string
	reqID      atomic.Uint32
}

func (c *CUPS) client() *ippClient {
	server := c.server()
	tr := &http.Transport{DisableCompression: true}
	host := server
	if strings.HasPrefix(server, "/") {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", server)
		}
		host = "localhost"
	} else if _, _, err := net.SplitHostPort(server); err != nil {
		host = net.JoinHostPort(server, "631")
	}
	name := "idbooth"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return &ippClient{
		http:       &http.Client{Transport: tr},
		base:       "http://" + host,
		printerURI: "ipp://" + host + "/printers/" + url.PathEscape(c.Queue),
		queue:      c.Queue,
		user:       name,
	}
}

func (cl *ippClient) do(ctx context.Context, path string, req *ippRequest, doc []byte) (*ippResponse, error) {
	req.id = cl.reqID.Add(1)
	body := io.MultiReader(bytes.NewReader(req.encode()), bytes.NewReader(doc))
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, cl.base+path, body)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/ipp")
	res, err := cl.http.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
		}
		return nil, fmt.Errorf("%w: CUPS not reachable: %w", ErrUnavailable, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
		return nil, fmt.Errorf("%w: CUPS answered HTTP %s", ErrUnavailable, res.Status)
	}
	resp, err := decodeIPP(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return resp, nil
}

// ippError turns a failed IPP status into one of the package's error kinds.
func (cl *ippClient) ippError(op string, resp *ippResponse) error {
	kind := ErrJobFailed
	switch {
	case resp.status == ippStatusNotFound:
		kind = ErrNotFound
	case resp.status == ippStatusNotAccepting:
		kind = ErrNotReady
	case resp.status >= ippStatusServerErrorMin:
		kind = ErrUnavailable
	}
	msg := resp.statusMessage()
	if msg == "" {
		msg = "no message"
	}
	return fmt.Errorf("%w: %s: IPP status 0x%04x: %s", kind, op, resp.status, msg)
}

type printerState struct {
	state     int
	accepting bool
	reasons   []string
	message   string
}

func (s printerState) describe() string {
	names := map[int]string{printerIdle: "idle", printerProcessing: "processing", printerStopped: "stopped"}
	d := names[s.state]
	if d == "" {
		d = fmt.Sprintf("state %d", s.state)
	}
	if !s.accepting {
		d += ", rejecting jobs"
	}
	if len(s.reasons) > 0 {
		d += ", reasons " + strings.Join(s.reasons, ",")
	}
	if s.message != "" {
		d += fmt.Sprintf(", %q", s.message)
	}
	return d
}

// paperOut reports whether the printer's state reasons say its paper ran out.
func (s printerState) paperOut() bool {
	return slices.ContainsFunc(s.reasons, func(r string) bool {
		return strings.HasPrefix(r, "media-empty") || strings.HasPrefix(r, "media-needed")
	})
}

func (cl *ippClient) printerState(ctx context.Context) (printerState, error) {
	resp, err := cl.do(ctx, "/printers/"+url.PathEscape(cl.queue), &ippRequest{
		op: opGetPrinterAttributes,
		operation: []ippAttr{
			{tagURI, "printer-uri", []any{cl.printerURI}},
			{tagName, "requesting-user-name", []any{cl.user}},
			{tagKeyword, "requested-attributes", []any{"printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs"}},
		},
	}, nil)
	if err != nil {
		return printerState{}, err
	}
	if resp.status > ippStatusOKMax {
		return printerState{}, cl.ippError("get printer "+cl.queue, resp)
	}
	st := printerState{message: resp.string(tagPrinter, "printer-state-message")}
	st.state, _ = resp.int(tagPrinter, "printer-state")
	st.accepting, _ = resp.bool(tagPrinter, "printer-is-accepting-jobs")
	for _, r := range resp.strings(tagPrinter, "printer-state-reasons") {
		if r != "none" {
			st.reasons = append(st.reasons, r)
		}
	}
	return st, nil
}

func (cl *ippClient) printJob(ctx context.Context, title string, pdf []byte, media string) (int, error) {
	req := &ippRequest{
		op: opPrintJob,
		operation: []ippAttr{
			{tagURI, "printer-uri", []any{cl.printerURI}},
			{tagName, "requesting-user-name", []any{cl.user}},
			{tagName, "job-name", []any{title}},
			{tagMIMEType, "document-format", []any{"application/pdf"}},
		},
		job: []ippAttr{{tagKeyword, "sides", []any{"one-sided"}}},
	}
	if media != "" {
		req.job = append(req.job, ippAttr{tagKeyword, "media", []any{media}})
	}
	resp, err := cl.do(ctx, "/printers/"+url.PathEscape(cl.queue), req, pdf)
	if err != nil {
		return 0, err
	}
	if resp.status > ippStatusOKMax {
		return 0, cl.ippError("print job", resp)
	}
	id, ok := resp.int(tagJob, "job-id")
	if !ok {
		return 0, fmt.Errorf("%w: print job: CUPS returned no job-id", ErrJobFailed)
	}
	return id, nil
}

type jobState struct {
	state   int
	reasons []string
	message string
}

func (cl *ippClient) jobState(ctx context.Context, id int) (jobState, error) {
	resp, err := cl.do(ctx, "/jobs/", &ippRequest{
		op: opGetJobAttributes,
		operation: []ippAttr{
			{tagURI, "printer-uri", []any{cl.printerURI}},
			{tagInteger, "job-id", []any{id}},
			{tagName, "requesting-user-name", []any{cl.user}},
			{tagKeyword, "requested-attributes", []any{"job-state", "job-state-reasons", "job-printer-state-message"}},
		},
	}, nil)
	if err != nil {
		return jobState{}, err
	}
	if resp.status > ippStatusOKMax {
		return jobState{}, cl.ippError(fmt.Sprintf("get job %d", id), resp)
	}
	js := jobState{reasons: resp.strings(tagJob, "job-state-reasons"), message: resp.string(tagJob, "job-printer-state-message")}
	js.state, _ = resp.int(tagJob, "job-state")
	return js, nil
}

// await follows job id until it completes, fails, or the printer stops under it.
func (cl *ippClient) await(ctx context.Context, id int, poll time.Duration) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		js, err := cl.jobState(ctx, id)
		if err != nil {
			return err
		}
		switch js.state {
		case jobCompleted:
			return nil
		case jobCanceled, jobAborted:
			return fmt.Errorf("%w: job %d %s (%s) %s", ErrJobFailed, id, map[int]string{jobCanceled: "canceled", jobAborted: "aborted"}[js.state],
				strings.Join(js.reasons, ","), js.message)
		}
		// Pending or processing: a queue that stopped meanwhile will not finish it.
		st, err := cl.printerState(ctx)
		if err != nil {
			return err
		}
		if st.state == printerStopped {
			if st.paperOut() {
				return fmt.Errorf("%w: job %d: queue %s", ErrPaperOut, id, st.describe())
			}
			return fmt.Errorf("%w: job %d: queue %s", ErrNotReady, id, st.describe())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: job %d still %s after the time limit: %w", ErrTimeout, id, jobStateName(js.state), ctx.Err())
		case <-t.C:
		}
	}
}

func jobStateName(s int) string {
	switch s {
	case jobPending:
		return "pending"
	case jobHeld:
		return "held"
	case jobProcessing:
		return "processing"
	case jobStopped:
		return "stopped"
	}
	return fmt.Sprintf("in state %d", s)
}

func (cl *ippClient) cancelJob(ctx context.Context, id int) error {
	resp, err := cl.do(ctx, "/jobs/", &ippRequest{
		op: opCancelJob,
		operation: []ippAttr{
			{tagURI, "printer-uri", []any{cl.printerURI}},
			{tagInteger, "job-id", []any{id}},
			{tagName, "requesting-user-name", []any{cl.user}},
		},
	}, nil)
	if err != nil {
		return err
	}
	// Not possible: the job finished meanwhile, nothing left to cancel.
	if resp.status > ippStatusOKMax && resp.status != ippStatusNotPossible {
		return cl.ippError(fmt.Sprintf("cancel job %d", id), resp)
	}
	return nil
}
