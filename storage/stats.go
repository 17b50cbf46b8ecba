package storage

import (
	"context"
	"database/sql"
	"time"
)

// Stats is the queue's state for the operator screen and `idbooth queue`.
type Stats struct {
	Pending int `json:"pending"`
	Sending int `json:"sending"`
	// Sent counts every application the intake confirmed, the compacted ones included.
	Sent   int `json:"sent"`
	Failed int `json:"failed"`
	// Due is how many pending or sending entries are due now.
	Due int `json:"due"`
	// OldestUnsent is the creation time of the oldest application not yet sent nor failed.
	OldestUnsent time.Time `json:"oldest_unsent,omitzero"`
	// NextAttempt is the earliest next attempt of an unsent entry.
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastSent    time.Time `json:"last_sent,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// Purged counts applications whose personal data retention removed, the compacted ones
	// included.
	Purged int `json:"purged"`
	// Compacted counts the sent applications that only the daily summary still counts
	// (Config.CompactAfter).
	Compacted int `json:"compacted"`
}

// dueCountCap bounds the two counts Stats makes of the waiting entries (see statsQuery).
var dueCountCap = 1000

// statsQuery reads Stats in one statement, so in one snapshot. The counts come from
// queue_counts; the times from the first entry of an index each (INDEXED BY: see
// claimDueQuery). Due depends on the clock, so no trigger can keep it: it is counted on the
// outbox_due index, on whichever side of now is smaller (a backlog is all due; an intake that
// is down leaves all waiting), each side counted up to dueCountCap; only when both sides
// exceed it is the due side counted in full (an index range, thousands of entries a ms).
const statsQuery = `WITH
	c AS (SELECT
		SUM(n) FILTER (WHERE name = 'pending') AS pending,
		SUM(n) FILTER (WHERE name = 'sending') AS sending,
		SUM(n) FILTER (WHERE name = 'sent') AS sent,
		SUM(n) FILTER (WHERE name = 'failed') AS failed,
		SUM(n) FILTER (WHERE name = 'purged') AS purged,
		SUM(n) FILTER (WHERE name = 'compacted') AS compacted
		FROM queue_counts),
	due AS (SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox INDEXED BY outbox_due
		WHERE state IN ('pending', 'sending') AND next_attempt_at <= :now LIMIT :cap)),
	waiting AS (SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox INDEXED BY outbox_due
		WHERE state IN ('pending', 'sending') AND next_attempt_at > :now LIMIT :cap)),
	lasterr AS (SELECT last_error, last_error_at FROM outbox WHERE last_error <> ''
		ORDER BY last_error_at DESC, rowid DESC LIMIT 1)
	SELECT c.pending, c.sending, c.sent, c.failed, c.purged, c.compacted,
	CASE WHEN due.n < :cap THEN due.n
		WHEN waiting.n < :cap THEN c.pending + c.sending - waiting.n
		ELSE (SELECT COUNT(*) FROM outbox INDEXED BY outbox_due
			WHERE state IN ('pending', 'sending') AND next_attempt_at <= :now) END,
	(SELECT created_at FROM outbox WHERE state = 'pending' ORDER BY created_at LIMIT 1),
	(SELECT created_at FROM outbox WHERE state = 'sending' ORDER BY created_at LIMIT 1),
	(` + nextAttemptQuery + `),
	(SELECT sent_at FROM outbox WHERE sent_at IS NOT NULL ORDER BY sent_at DESC LIMIT 1),
	lasterr.last_error, lasterr.last_error_at
	FROM c, due, waiting LEFT JOIN lasterr ON true`

// Stats counts the queue's entries by state. It reads a few index entries and counters, not
// the queue: its cost does not grow with the number of applications.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	var oldestPending, oldestSending, next, lastSent, lastErrAt sql.NullInt64
	var lastErr sql.NullString
	err := s.db.QueryRowContext(ctx, statsQuery, sql.Named("now", s.nowMillis()), sql.Named("cap", dueCountCap)).
		Scan(&st.Pending, &st.Sending, &st.Sent, &st.Failed, &st.Purged, &st.Compacted, &st.Due,
			&oldestPending, &oldestSending, &next, &lastSent, &lastErr, &lastErrAt)
	if err != nil {
		return st, mapErr("stats", err)
	}
	st.Sent += st.Compacted
	st.Purged += st.Compacted
	oldest := oldestPending
	if oldestSending.Valid && (!oldest.Valid || oldestSending.Int64 < oldest.Int64) {
		oldest = oldestSending
	}
	st.OldestUnsent, st.NextAttempt, st.LastSent = fromMillis(oldest), fromMillis(next), fromMillis(lastSent)
	st.LastError, st.LastErrorAt = lastErr.String, fromMillis(lastErrAt)
	return st, nil
}
