package systemd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/coreos/go-systemd/v22/journal"
)

// LogHandler returns a slog handler that writes to the journal with each attribute as a field
// of its own (journalctl -o verbose, or `journalctl STARTUP_MS=...`), when stderr is connected to
// the journal; otherwise nil, and the caller keeps its usual handler.
func LogHandler(identifier string, level slog.Leveler) slog.Handler {
	if ok, err := journal.StderrIsJournalStream(); err != nil || !ok || !journal.Enabled() {
		return nil
	}
	return newJournalHandler(identifier, level, journal.Send, nil)
}

// journalHandler is a slog.Handler for the journal's native protocol. MESSAGE keeps the
// attributes as key=value too, so plain `journalctl -u idbooth-kiosk` reads like the terminal.
type journalHandler struct {
	identifier string
	level      slog.Leveler
	send       func(msg string, p journal.Priority, vars map[string]string) error
	fallback   io.Writer // where a record goes when the journal refuses it

	mu     *sync.Mutex
	prefix string // the open groups, as a field-name prefix
	attrs  []field
}

type field struct{ name, key, value string }

func newJournalHandler(identifier string, level slog.Leveler, send func(string, journal.Priority, map[string]string) error, fallback io.Writer) *journalHandler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &journalHandler{identifier: identifier, level: level, send: send, fallback: fallback, mu: &sync.Mutex{}}
}

func (h *journalHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *journalHandler) Handle(_ context.Context, r slog.Record) error {
	fields := append([]field(nil), h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		fields = appendAttr(fields, h.prefix, a)
		return true
	})
	var msg strings.Builder
	msg.WriteString(r.Message)
	vars := map[string]string{"SYSLOG_IDENTIFIER": h.identifier}
	for _, f := range fields {
		vars[f.name] = f.value
		fmt.Fprintf(&msg, " %s=%s", f.key, quoteIfNeeded(f.value))
	}
	err := h.send(msg.String(), priority(r.Level), vars)
	if err != nil && h.fallback != nil {
		h.mu.Lock()
		fmt.Fprintf(h.fallback, "%s %s\n", r.Level, msg.String())
		h.mu.Unlock()
	}
	return err
}

func (h *journalHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append([]field(nil), h.attrs...)
	for _, a := range as {
		c.attrs = appendAttr(c.attrs, h.prefix, a)
	}
	return &c
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.prefix = h.prefix + name + "."
	return &c
}

// appendAttr flattens a (possibly group) attribute into fields named "group.key".
func appendAttr(fs []field, prefix string, a slog.Attr) []field {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return fs
	}
	if a.Value.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range a.Value.Group() {
			fs = appendAttr(fs, p, g)
		}
		return fs
	}
	key := prefix + a.Key
	return append(fs, field{name: fieldName(key), key: key, value: a.Value.String()})
}

// fieldName makes a journal field name: upper case letters, digits and underscores, not
// starting with an underscore (those are the journal's own trusted fields) or a digit.
func fieldName(key string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(key) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || n[0] == '_' || (n[0] >= '0' && n[0] <= '9') {
		n = "F" + n
	}
	if len(n) > 64 { // journald ignores longer names
		n = n[:64]
	}
	return n
}

func priority(l slog.Level) journal.Priority {
	switch {
	case l >= slog.LevelError:
		return journal.PriErr
	case l >= slog.LevelWarn:
		return journal.PriWarning
	case l >= slog.LevelInfo:
		return journal.PriInfo
	}
	return journal.PriDebug
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"=") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
