// Package export hands received applications over to the downstream system: JSON lines in
// DIR/applications.jsonl and each photo in DIR/photos/<uuid>.jpg, in the order they were
// received, resumable. DIR/cursor.json records how far the export got and how long the JSON
// lines file was then, so an export cut short (a crash, a full disk) resumes exactly where it
// stopped and writes every application once.
package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/idbooth/idbooth/internal/atomicfile"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
)

// Source is where applications are read from (an intake.Backend).
type Source interface {
	Received(ctx context.Context, after intake.Cursor, until time.Time, limit int) ([]intake.Received, error)
}

// Settle is how old an application must be to be exported, by default: rows are committed in
// an order slightly different from their received times (several replicas), so the newest
// moments wait until every request that began in them has committed.
const Settle = time.Minute

// Files in the export directory.
const (
	LinesFile  = "applications.jsonl"
	CursorFile = "cursor.json"
	PhotoDir   = "photos"
)

// Line is one exported application.
type Line struct {
	UUID       string    `json:"uuid"`
	ReceivedAt time.Time `json:"received_at"`
	// Photo is the photo's file, relative to the export directory.
	Photo       string              `json:"photo"`
	Application *upload.Application `json:"application"` // photo_jpeg left out (null)
}

type cursor struct {
	intake.Cursor
	// Bytes is the length of the JSON lines file when the cursor was written.
	Bytes int64 `json:"bytes"`
}

// Options of a run.
type Options struct {
	// Since: applications received before it are left out (first run only: a later run
	// resumes from the cursor).
	Since time.Time
	// Settle: only applications received longer ago than this are exported (Settle is right
	// for replicas; 0 for one process, whose commits follow its clock).
	Settle time.Duration
	// Now is the clock (default time.Now); Page the applications read at once (default 20).
	Now  func() time.Time
	Page int
}

// Run exports what was received since the cursor (or opts.Since) until opts.Settle ago, and
// returns how many applications it wrote.
func Run(ctx context.Context, src Source, dir string, opts Options) (int, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Page <= 0 {
		opts.Page = 20
	}
	if err := os.MkdirAll(filepath.Join(dir, PhotoDir), 0o700); err != nil {
		return 0, err
	}
	cur, err := readCursor(dir)
	if err != nil {
		return 0, err
	}
	if cur.UUID == "" && cur.At.Before(opts.Since) {
		// Just before Since: (Since, "") sorts before every application received at Since.
		cur.At = opts.Since
	}
	lines, err := os.OpenFile(filepath.Join(dir, LinesFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return 0, err
	}
	defer lines.Close()
	// Whatever was written after the last cursor is written again: cut it off.
	if err := lines.Truncate(cur.Bytes); err != nil {
		return 0, err
	}
	if _, err := lines.Seek(cur.Bytes, 0); err != nil {
		return 0, err
	}
	until := opts.Now().Add(-opts.Settle)
	n := 0
	for {
		page, err := src.Received(ctx, cur.Cursor, until, opts.Page)
		if err != nil || len(page) == 0 {
			return n, err
		}
		var buf []byte
		for _, r := range page {
			photo := filepath.Join(PhotoDir, r.UUID+".jpg")
			if err := atomicfile.WriteFile(filepath.Join(dir, photo), r.PhotoJPEG, 0o600); err != nil {
				return n, err
			}
			meta := *r.Application
			meta.PhotoJPEG = nil
			js, err := json.Marshal(Line{UUID: r.UUID, ReceivedAt: r.At.UTC(), Photo: photo, Application: &meta})
			if err != nil {
				return n, err
			}
			buf = append(append(buf, js...), '\n')
			cur.Cursor = intake.Cursor{At: r.At, UUID: r.UUID}
		}
		if _, err := lines.Write(buf); err != nil {
			return n, err
		}
		if err := lines.Sync(); err != nil {
			return n, err
		}
		cur.Bytes += int64(len(buf))
		if err := writeCursor(dir, cur); err != nil {
			return n, err
		}
		n += len(page)
	}
}

func readCursor(dir string) (cursor, error) {
	var c cursor
	b, err := os.ReadFile(filepath.Join(dir, CursorFile))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("export: %s: %w", CursorFile, err)
	}
	return c, nil
}

func writeCursor(dir string, c cursor) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, CursorFile), append(b, '\n'), 0o600)
}
