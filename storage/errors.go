package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/idbooth/idbooth/booth"
)

// Error kinds. Every error the package returns wraps one of these (check with errors.Is) and
// the underlying cause, so callers show a translated message for the kind and log the cause.
//
// Each kind names the message people see (assets/i18n/*/queue.json): what happened to their
// application and what to do, never the cause.
var (
	ErrNotFound    = booth.NewKind("no such application", "queue.error.not_found")
	ErrExists      = booth.NewKind("application already queued", "queue.error.unavailable")
	ErrInvalid     = booth.NewKind("invalid application", "queue.error.invalid")
	ErrPurged      = booth.NewKind("personal data already purged (retention)", "queue.error.not_found")
	ErrNoKey       = booth.NewKind("encryption key missing", "queue.error.key")
	ErrWrongKey    = booth.NewKind("wrong encryption key", "queue.error.key")
	ErrCorrupt     = booth.NewKind("database file is corrupt or not a queue database", "queue.error.corrupt")
	ErrFull        = booth.NewKind("storage full", "queue.error.full")
	ErrBusy        = booth.NewKind("database busy", "queue.error.unavailable")
	ErrUnavailable = booth.NewKind("database unavailable", "queue.error.unavailable")
	// ErrNotQueue: the file is another application's SQLite database; Open left it as it was.
	ErrNotQueue = booth.NewKind("not a queue database", "queue.error.cannot_open")
	// ErrNewerSchema: a newer idbooth migrated the queue; this one leaves it as it is.
	ErrNewerSchema = booth.NewKind("queue written by a newer version of idbooth", "queue.error.cannot_open")
)

// IsFatal reports whether err makes going on with this queue pointless until an operator acts
// (a damaged file or the wrong key), as opposed to a passing failure (busy, full).
func IsFatal(err error) bool {
	return errors.Is(err, ErrCorrupt) || errors.Is(err, ErrWrongKey) || errors.Is(err, ErrNoKey) ||
		errors.Is(err, ErrNotQueue) || errors.Is(err, ErrNewerSchema)
}

// mapErr turns a database/sql or SQLite error into one of the package's kinds at the edge.
// Errors already carrying a kind pass through with op prepended.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	for _, k := range []error{ErrNotFound, ErrExists, ErrInvalid, ErrPurged, ErrNoKey, ErrWrongKey,
		ErrCorrupt, ErrFull, ErrBusy, ErrUnavailable, ErrNotQueue, ErrNewerSchema} {
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
