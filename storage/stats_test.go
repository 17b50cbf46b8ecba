package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// countedStats is Stats as the code before issue 16 computed it, counting the whole queue, plus
// the compacted applications: what the counters and indexes must always agree with. Of two
// errors at the same millisecond the later row's is the last.
func countedStats(t *testing.T, db *sql.DB, now time.Time) storage.Stats {
	t.Helper()
	var st storage.Stats
	var oldest, next, lastSent, lastErrAt sql.NullInt64
	var lastErr sql.NullString
	err := db.QueryRow(`SELECT
		COUNT(*) FILTER (WHERE o.state = 'pending'),
		COUNT(*) FILTER (WHERE o.state = 'sending'),
		COUNT(*) FILTER (WHERE o.state = 'sent'),
		COUNT(*) FILTER (WHERE o.state = 'failed'),
		COUNT(*) FILTER (WHERE o.state IN ('pending', 'sending') AND o.next_attempt_at <= ?),
		MIN(a.created_at) FILTER (WHERE o.state IN ('pending', 'sending')),
		MIN(o.next_attempt_at) FILTER (WHERE o.state IN ('pending', 'sending')),
		MAX(o.sent_at),
		COUNT(*) FILTER (WHERE a.purged_at IS NOT NULL),
		(SELECT COALESCE(SUM(applications), 0) FROM daily)
		FROM outbox o NOT INDEXED JOIN applications a NOT INDEXED USING (uuid)`, now.UnixMilli()).
		Scan(&st.Pending, &st.Sending, &st.Sent, &st.Failed, &st.Due, &oldest, &next, &lastSent, &st.Purged, &st.Compacted)
	if err != nil {
		t.Fatal(err)
	}
	st.Sent += st.Compacted
	st.Purged += st.Compacted
	err = db.QueryRow(`SELECT last_error, last_error_at FROM outbox NOT INDEXED
		WHERE last_error <> '' ORDER BY last_error_at DESC, rowid DESC LIMIT 1`).Scan(&lastErr, &lastErrAt)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	ms := func(v sql.NullInt64) time.Time {
		if !v.Valid {
			return time.Time{}
		}
		return time.UnixMilli(v.Int64).UTC()
	}
	st.OldestUnsent, st.NextAttempt, st.LastSent, st.LastErrorAt = ms(oldest), ms(next), ms(lastSent), ms(lastErrAt)
	st.LastError = lastErr.String
	return st
}

// statsDiff says how Stats differs from a full count of the queue ("" when it does not).
func statsDiff(t *testing.T, s *storage.Store, db *sql.DB) string {
	t.Helper()
	got, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := countedStats(t, db, s.Now()); got != want {
		return fmt.Sprintf("Stats differs from a full count\n got %+v\nwant %+v", got, want)
	}
	return ""
}

// checkStatsExact fails the test when Stats differs from a full count of the queue.
func checkStatsExact(t *testing.T, s *storage.Store) {
	t.Helper()
	db := rawDB(t, s.Path())
	defer db.Close()
	if d := statsDiff(t, s, db); d != "" {
		t.Fatal(d)
	}
}

// TestStatsExactUnderRandomTransitions drives a queue through 600 random steps (every state
// change the booth makes, purges and compactions, the clock moving on) and compares Stats with
// a full count of the queue after each one.
func TestStatsExactUnderRandomTransitions(t *testing.T) {
	defer storage.SetDueCountCap(3)() // reach every branch of the due count
	ctx := context.Background()
	c := newClock()
	dir := t.TempDir()
	s, err := storage.Open(ctx, storage.Config{Path: dir + "/queue.db", KeyFile: dir + "/queue.key", Now: c.Now,
		CompactAfter: 6 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := rawDB(t, s.Path())
	r := rand.New(rand.NewPCG(16, 2026))
	var uuids []string
	pick := func() string {
		if len(uuids) == 0 || r.IntN(20) == 0 {
			return booth.NewUUID() // unknown or compacted: must change nothing
		}
		return uuids[r.IntN(len(uuids))]
	}
	used := map[string]int{}
	for step := 0; step < 600; step++ {
		var op string
		switch k := r.IntN(14); {
		case k < 3:
			op = "enqueue"
			for range 1 + r.IntN(4) {
				a := storagetest.Application(len(uuids), smallPhoto)
				if r.IntN(3) == 0 {
					a.Channel, a.CardMailed = booth.ChannelCounter, r.IntN(2) == 0
				}
				if err := s.Enqueue(ctx, a); err != nil {
					t.Fatal(err)
				}
				uuids = append(uuids, a.UUID)
			}
		case k == 3:
			op = "claim"
			_, err = s.ClaimDue(ctx, 1+r.IntN(6), time.Duration(r.IntN(40))*time.Minute)
		case k == 4 || k == 5:
			op = "sent"
			err = s.MarkSent(ctx, pick())
		case k == 6:
			op = "retry"
			err = s.MarkRetry(ctx, pick(), c.Now().Add(time.Duration(r.IntN(60)-20)*time.Minute),
				fmt.Sprintf("intake: 503 at step %d", step))
		case k == 7:
			op = "failed"
			err = s.MarkFailed(ctx, pick(), fmt.Sprintf("intake: 409 at step %d", step))
		case k == 8:
			op = "requeue"
			if r.IntN(2) == 0 {
				_, err = s.Requeue(ctx)
			} else {
				_, err = s.Requeue(ctx, pick(), pick())
			}
		case k == 9:
			op = "reset sending"
			_, err = s.ResetSending(ctx)
		case k == 10:
			op = "due now"
			_, err = s.DueNow(ctx)
		case k == 11:
			op = "purge"
			_, err = s.Purge(ctx, time.Duration(r.IntN(90))*time.Minute)
		case k == 12:
			op = "slip"
			err = s.MarkSlipPrinted(ctx, pick())
		default:
			op = "time"
			c.Add(time.Duration(1+r.IntN(40)) * time.Minute)
		}
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("step %d %s: %v", step, op, err)
		}
		used[op]++
		c.Add(time.Duration(1+r.IntN(1000)) * time.Millisecond) // distinct error times
		if d := statsDiff(t, s, db); d != "" {
			t.Fatalf("after step %d (%s): %s", step, op, d)
		}
	}
	// Both sides of now above the cap: Stats counts the due side in full.
	pending, err := s.List(ctx, storage.Filter{States: []storage.SyncState{storage.StatePending}, Limit: 8})
	if err != nil || len(pending) < 8 {
		t.Fatalf("%d pending, %v", len(pending), err)
	}
	for _, e := range pending[:4] {
		if err := s.MarkRetry(ctx, e.UUID, c.Now().Add(time.Hour), "later"); err != nil {
			t.Fatal(err)
		}
	}
	if d := statsDiff(t, s, db); d != "" {
		t.Fatal(d)
	}
	st := storagetest.Stats(t, s)
	if st.Due < 3 || st.Pending+st.Sending-st.Due < 3 {
		t.Fatalf("want 3 due and 3 waiting: %+v", st)
	}
	t.Logf("steps %v; final %+v", used, st)
	if st.Compacted == 0 || st.Purged <= st.Compacted || st.Pending == 0 || st.Failed == 0 || st.Sent <= st.Compacted {
		t.Fatalf("the walk did not reach every kind of entry: %+v", st)
	}
}
