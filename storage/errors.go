package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// Error kinds. Every error the package returns wraps one of these (check with errors.Is) and
// the underlying cause, so callers show a translated message for the kind and log the cause.
var (
	ErrNotFound    = errors.New("no such application")
	ErrExists      = errors.New("application already queued")
	ErrInvalid     = errors.New("invalid application")
	ErrPurged      = errors.New("personal data already purged (retention)")
	ErrNoKey       = errors.New("encryption key missing")
	ErrWrongKey    = errors.New("wrong encryption key")
	ErrCorrupt     = errors.New("database file is corrupt or not a queue database")
	ErrFull        = errors.New("storage full")
	ErrBusy        = errors.New("database busy")
	ErrUnavailable = errors.New("database unavailable")
)

// mapErr turns a database/sql or SQLite error into one of the package's kinds at the edge.
// Errors already carrying a kind pass through with op prepended.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	for _, k := range []error{ErrNotFound, ErrExists, ErrInvalid, ErrPurged, ErrNoKey, ErrWrongKey,
		ErrCorrupt, ErrFull, ErrBusy, ErrUnavailable} {
		if errors.Is(err, k) {
			if strings.HasPrefix(err.Error(), "storage: ") {
				return err
			}
			return fmt.Errorf("storage: %s: %w", op, err)
		}
	}
	kind := ErrUnavailable
	var se sqlite3.Error
	switch {
	case errors.Is(err, sql.ErrNoRows):
		kind = ErrNotFound
	case errors.As(err, &se):
		switch se.Code {
		case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
			kind = ErrCorrupt
		case sqlite3.ErrFull:
			kind = ErrFull
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			kind = ErrBusy
		case sqlite3.ErrConstraint:
			if se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey || se.ExtendedCode == sqlite3.ErrConstraintUnique {
				kind = ErrExists
			} else {
				kind = ErrInvalid
			}
		}
	}
	return fmt.Errorf("storage: %s: %w: %w", op, kind, err)
}

// MessageKey is the translation key (assets/i18n/*/queue.json) of the message people see for
// err: what happened to their application and what to do, never the cause.
func MessageKey(err error) string {
	switch {
	case errors.Is(err, ErrFull):
		return "queue.error.full"
	case errors.Is(err, ErrNoKey), errors.Is(err, ErrWrongKey):
		return "queue.error.key"
	case errors.Is(err, ErrCorrupt):
		return "queue.error.corrupt"
	case errors.Is(err, ErrInvalid):
		return "queue.error.invalid"
	case errors.Is(err, ErrNotFound):
		return "queue.error.not_found"
	default:
		return "queue.error.unavailable"
	}
}
