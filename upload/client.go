package upload

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// A Target receives applications. Put returns nil once the target holds the application
// (created now or earlier); otherwise an error that Permanent classifies.
type Target interface {
	Put(ctx context.Context, a *Application) error
}

// Error kinds of a Put, for errors.Is.
var (
	// ErrRefused: the intake refused this application for good (409, other 4xx). It is not
	// retried; the operator sees it.
	ErrRefused = errors.New("intake refused the application")
	// ErrAuth: the intake refused our token (401, 403). Not the application's fault: it stays
	// queued and is retried, and the worker stops the round.
	ErrAuth = errors.New("intake refused the token")
	// ErrMalformedAnswer: a success status without the expected answer. We cannot tell whether
	// the intake holds the application, so it is retried (the intake is idempotent).
	ErrMalformedAnswer = errors.New("malformed answer from intake")
	// ErrTemporary: 5xx, 408, 429, time-outs and connection errors; retried with backoff.
	ErrTemporary = errors.New("intake temporarily unavailable")
)

// Permanent reports whether err means the application must not be sent again.
func Permanent(err error) bool { return errors.Is(err, ErrRefused) }

// ClientConfig configures an HTTP(S) intake client.
type ClientConfig struct {
	// URL is the intake's base URL: https://host[:port][/prefix]. Plain http is accepted only
	// for a loopback host (tests, a local intake).
	URL   string
	Token string
	// CAFile, if set, is a PEM file of CA certificates trusted in addition to the system's.
	CAFile string
	// Timeout bounds one request, including sending the photo. Default 60 s.
	Timeout time.Duration
	// MaxConns bounds connections to the intake. Default 4.
	MaxConns int
}

// Client is the HTTP intake Target.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// NewClient checks cfg and builds a client.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("upload: intake URL %q: want https://host[:port]", cfg.URL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("upload: intake URL %q: plain http is only allowed to a loopback address; use https", cfg.URL)
	}
	if cfg.Token == "" {
		return nil, errors.New("upload: no intake token")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = 4
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = cfg.MaxConns
	tr.MaxConnsPerHost = cfg.MaxConns
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("upload: CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("upload: CA file %s holds no PEM certificate", cfg.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &Client{base: u, token: cfg.Token, http: &http.Client{Transport: tr, Timeout: cfg.Timeout,
		// The token must not follow a redirect elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CloseIdle closes idle connections (the worker calls it when it stops).
func (c *Client) CloseIdle() { c.http.CloseIdleConnections() }

// Put sends one application.
func (c *Client) Put(ctx context.Context, a *Application) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("upload: encode: %w", err)
	}
	code, answer, readErr, err := c.putJSON(ctx, PathPrefix+a.UUID, body)
	if err != nil {
		return err
	}
	if code != http.StatusOK && code != http.StatusCreated {
		if err := refusal(code, answer); err != nil {
			return err
		}
		return fmt.Errorf("%w: unexpected %s", ErrMalformedAnswer, status(code))
	}
	if readErr != nil {
		return fmt.Errorf("%w: %s with a body cut short", ErrMalformedAnswer, status(code))
	}
	var ans Answer
	if err := json.Unmarshal(answer, &ans); err != nil {
		return fmt.Errorf("%w: %s with a body that is not an answer", ErrMalformedAnswer, status(code))
	}
	if ans.UUID != a.UUID || (ans.Status != StatusCreated && ans.Status != StatusExists) {
		return fmt.Errorf("%w: %s answering for another or no application", ErrMalformedAnswer, status(code))
	}
	return nil
}

// putJSON PUTs a JSON body to path under the intake's URL with the booth's token, and returns
// the answer's status and at most 64 KB of its body (readErr if that read failed). A request
// that never got an answer is ErrTemporary.
func (c *Client) putJSON(ctx context.Context, path string, body []byte) (code int, answer []byte, readErr, err error) {
	u := *c.base
	u.Path += path
	u.RawPath = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("upload: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%w: %w", ErrTemporary, transportProblem(err))
	}
	defer resp.Body.Close()
	answer, readErr = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, answer, readErr, nil
}

// refusal is the error for an intake's answer that refuses a request (nil below 400): ErrAuth
// for a refused or revoked token, ErrTemporary for what may pass later, ErrRefused otherwise.
func refusal(code int, answer []byte) error {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("%w: %s", ErrAuth, describe(code, answer))
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("%w: %s", ErrTemporary, describe(code, answer))
	case code >= 400:
		return fmt.Errorf("%w: %s", ErrRefused, describe(code, answer))
	}
	return nil
}

// CheckAuth asks the intake whether it accepts our token, storing nothing, and returns the
// intake's clock (its Date header; zero if it sent none) so a booth can tell whether its own
// clock is right.
func (c *Client) CheckAuth(ctx context.Context) (time.Time, error) {
	u := *c.base
	u.Path += AuthPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("upload: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrTemporary, transportProblem(err))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	clock, _ := http.ParseTime(resp.Header.Get("Date"))
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		return clock, nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return clock, fmt.Errorf("%w: %s", ErrAuth, describe(code, answer))
	case code == http.StatusNotFound:
		return clock, fmt.Errorf("%w: %s: the intake is too old to check a token", ErrRefused, status(code))
	default:
		return clock, fmt.Errorf("%w: %s", ErrTemporary, describe(code, answer))
	}
}

// What a booth keeps of an intake's answer goes into the queue file and the operator's screens:
// the HTTP status code with Go's own text for it, and the intake's refusal code when it is one
// of the contract's. Nothing else of the answer (reason phrase, message, body) is kept: an
// intake, or whatever answers in its place, may put anything there, personal data included.

// describe renders a refusal: the status and, when the body is an ErrorAnswer with a known
// code, that code.
func describe(code int, body []byte) string {
	var ea ErrorAnswer
	if json.Unmarshal(body, &ea) == nil && KnownCode(ea.Code) {
		return status(code) + ": " + ea.Code
	}
	return status(code)
}

// status is an HTTP status code with Go's text for it (never the answer's reason phrase).
func status(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("status %d", code)
}

// A transportError is a failed exchange: its text describes it safely (transportProblem), and
// its cause stays in the chain for errors.Is and errors.As.
type transportError struct {
	text  string
	cause error
}

func (e *transportError) Error() string { return e.text }
func (e *transportError) Unwrap() error { return e.cause }

func transportProblem(err error) error { return &transportError{describeTransport(err), err} }

// describeTransport describes a failed exchange by its kind. Errors of the HTTP and TLS stacks
// can quote what came from the network (a header line, names in a certificate): those are
// named by kind, and any other error is kept only as sanitised text.
func describeTransport(err error) string {
	var (
		ue       *url.Error
		hostErr  x509.HostnameError
		authErr  x509.UnknownAuthorityError
		certErr  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		dnsErr   *net.DNSError
		opErr    *net.OpError
	)
	// The *url.Error names the URL, which holds the UUID: only its cause is described.
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded), os.IsTimeout(err):
		return "timed out"
	case errors.As(err, &hostErr):
		return "the intake's TLS certificate is not for this host"
	case errors.As(err, &authErr):
		return "the intake's TLS certificate is signed by an authority this booth does not trust"
	case errors.As(err, &certErr):
		return "the intake's TLS certificate is not valid (expired, not yet valid or not for a server)"
	case errors.As(err, &recErr):
		return "the intake did not answer with TLS"
	case errors.As(err, &alertErr):
		return "the intake refused the TLS handshake: " + alertErr.Error()
	case errors.As(err, &dnsErr):
		return "the intake's host name is not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the intake"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "the intake is unreachable"
	case strings.Contains(err.Error(), "malformed"):
		return "malformed HTTP answer"
	case errors.As(err, &opErr):
		return "network error: " + sanitise(opErr.Err.Error())
	}
	return sanitise(err.Error())
}

// maxDetail bounds a sanitised detail.
const maxDetail = 80

var (
	quotedText = regexp.MustCompile("\"[^\"]*\"?|`[^`]*`?")
	number     = regexp.MustCompile(`[0-9](?:[0-9./:-]*[0-9])?`)
	unsafeRune = regexp.MustCompile(`[^A-Za-z0-9 :.,_/()#-]+`)
)

// sanitise keeps an error text that may quote the network safe to store: quoted parts go,
// numbers longer than 3 characters (an ID, a date, an address) become "#", anything but ASCII
// letters, digits, spaces and a little punctuation goes, and the rest is bounded.
func sanitise(s string) string {
	s = quotedText.ReplaceAllString(s, "…")
	s = number.ReplaceAllStringFunc(s, func(n string) string {
		if len(n) > 3 {
			return "#"
		}
		return n
	})
	s = unsafeRune.ReplaceAllString(strings.ReplaceAll(s, "…", "..."), "")
	if len(s) > maxDetail {
		s = s[:maxDetail] + "..."
	}
	return s
}
