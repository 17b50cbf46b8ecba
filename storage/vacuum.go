package storage

import (
	"context"
	"fmt"
)

// SQLite keeps the pages that purges and compaction free inside the file, for reuse. With
// auto_vacuum = INCREMENTAL the file can give them back without a VACUUM (which rewrites the
// whole file and needs its size again in free disk): new queues are created so, and
// giveBackPages truncates the file after a purge or compaction that freed much of it.

// newQueueAutoVacuum sets incremental auto-vacuum on a new queue, before its first table: the
// only time SQLite takes it without a VACUUM. (Not in the DSN: setting it again on every
// connection would write the file's header each time.)
func (s *Store) newQueueAutoVacuum(ctx context.Context) error {
	var tables int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_schema").Scan(&tables); err != nil || tables > 0 {
		return err
	}
	_, err := s.db.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL")
	return err
}

// convertAutoVacuum turns incremental auto-vacuum on for a queue created before it existed.
// SQLite changes auto_vacuum of a database that has tables only with a VACUUM, so this runs one,
// once: the first time this version opens the queue, after the migrations and the key check
// (a wrong key changes nothing). VACUUM is a transaction like any other: killed half-way it
// leaves the file as it was. Its failure (another process writing, too little disk for the
// copy) is not the queue's: the queue works on, only does not shrink, and the next Open tries
// again. Only a damaged file is reported.
func (s *Store) convertAutoVacuum(ctx context.Context) error {
	var mode int
	if err := s.db.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return mapErr("auto-vacuum", err)
	}
	if mode == autoVacuumIncremental {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
		return fatalOnly(mapErr("auto-vacuum", err))
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM"); err != nil {
		return fatalOnly(mapErr("auto-vacuum", err))
	}
	// The VACUUM went through the WAL, which would otherwise keep the file's size on disk.
	_, err := s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return fatalOnly(mapErr("auto-vacuum", err))
}

// autoVacuumIncremental is PRAGMA auto_vacuum's value for INCREMENTAL.
const autoVacuumIncremental = 2

func fatalOnly(err error) error {
	if IsFatal(err) {
		return err
	}
	return nil
}

// giveBackPages returns free pages to the file system (the file shrinks at the next
// checkpoint): at least n of them (pages that compaction freed: rows gone for good, a few a
// day), and all of them once they are more than half the file (a backlog that drained, then
// was purged). Fewer photo pages are kept: the next applications fill them, and giving them
// back would move as many pages of recent data into the holes every day. With this the file
// stays under twice what the queue holds, and each page moved pays for a page given back.
// With secure_delete their content is already zeroed either way.
func (s *Store) giveBackPages(ctx context.Context, n int) error {
	free, total, err := s.pageCounts(ctx)
	if err != nil {
		return err
	}
	switch {
	case free*2 > total:
		n = free
	case n <= 0:
		return nil
	}
	// incremental_vacuum frees one page per step: step it to the end.
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf("PRAGMA incremental_vacuum(%d)", min(n, free)))
	if err != nil {
		return mapErr("incremental vacuum", err)
	}
	for rows.Next() {
	}
	rows.Close()
	return mapErr("incremental vacuum", rows.Err())
}

// pageCounts is the file's free pages and all its pages.
func (s *Store) pageCounts(ctx context.Context) (free, total int, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT freelist_count, page_count FROM pragma_freelist_count, pragma_page_count").
		Scan(&free, &total)
	return free, total, mapErr("page counts", err)
}
