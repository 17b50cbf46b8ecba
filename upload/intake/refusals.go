package intake

import (
	"cmp"
	"context"
	"log"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxLoggedClients bounds the clients whose refusals are counted apart; the refusals of any
// further client are counted together under overflowClient until the next interval.
const maxLoggedClients = 1024

const overflowClient = "other"

// refusalLog writes refused requests to the log without letting a client flood it: the first
// refusal of a client is written at once, the rest are counted per code, and at the end of the
// client's interval one line per code says how many there were (the first included).
type refusalLog struct {
	log      *slog.Logger
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	clients map[string]*clientRefusals
}

type clientRefusals struct {
	since  time.Time
	total  int
	counts map[refusalKind]int
}

type refusalKind struct {
	status int
	code   string
}

func newRefusalLog(log *slog.Logger, interval time.Duration, now func() time.Time) *refusalLog {
	return &refusalLog{log: log, interval: interval, now: now, clients: map[string]*clientRefusals{}}
}

// clientOf names the client of a request by its address, without the port (a client opens
// many connections).
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (l *refusalLog) refused(client string, status int, code string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.clients[client]
	if c != nil && now.Sub(c.since) >= l.interval {
		l.summarise(client, c)
		delete(l.clients, client)
		c = nil
	}
	if c == nil && len(l.clients) >= maxLoggedClients {
		client = overflowClient
		c = l.clients[client]
	}
	if c == nil {
		c = &clientRefusals{since: now, counts: map[refusalKind]int{}}
		l.clients[client] = c
		l.log.Info("intake: refused", "client", client, "status", status, "code", code,
			"note", "further refusals of this client are counted for "+l.interval.String())
	}
	c.total++
	c.counts[refusalKind{status, code}]++
}

// summarise writes the counts of a client's interval; a lone refusal was written already.
func (l *refusalLog) summarise(client string, c *clientRefusals) {
	if c.total < 2 {
		return
	}
	kinds := make([]refusalKind, 0, len(c.counts))
	for k := range c.counts {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b refusalKind) int { return cmp.Compare(a.code, b.code) })
	seconds := int(l.now().Sub(c.since).Seconds())
	for _, k := range kinds {
		l.log.Info("intake: refusals", "client", client, "status", k.status, "code", k.code,
			"count", c.counts[k], "seconds", seconds)
	}
}

// flush summarises the clients whose interval ended (all of them when all is set).
func (l *refusalLog) flush(all bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	clients := make([]string, 0, len(l.clients))
	for client, c := range l.clients {
		if all || now.Sub(c.since) >= l.interval {
			clients = append(clients, client)
		}
	}
	slices.Sort(clients)
	for _, client := range clients {
		l.summarise(client, l.clients[client])
		delete(l.clients, client)
	}
}

// LogRefusals writes the counts of refused requests as each client's interval ends, until ctx
// is done; then it writes what is left and returns. Run it beside the server, and cancel it
// after the server shut down. Handler must have been called.
func (s *Server) LogRefusals(ctx context.Context) {
	t := time.NewTicker(s.LogInterval / 4)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.refusals.flush(false)
		case <-ctx.Done():
			s.refusals.flush(true)
			return
		}
	}
}

// CodeTLSHandshake counts, in the log, connections that failed their TLS handshake (a scanner,
// a booth that does not trust the certificate): they reach no handler, but flood the log the
// same way.
const CodeTLSHandshake = "tls_handshake"

// ErrorLog is the http.Server's ErrorLog for this server: TLS handshake failures are counted
// with the refusals of their client, other lines go to Log as warnings. Handler must have been
// called.
func (s *Server) ErrorLog() *log.Logger { return log.New(serverErrors{s}, "", 0) }

type serverErrors struct{ s *Server }

func (e serverErrors) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	if rest, ok := strings.CutPrefix(line, "http: TLS handshake error from "); ok {
		addr, _, _ := strings.Cut(rest, ": ")
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = overflowClient
		}
		e.s.refusals.refused(host, 0, CodeTLSHandshake)
		return len(p), nil
	}
	e.s.Log.Warn(line)
	return len(p), nil
}
