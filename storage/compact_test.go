package storage_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// fileSize is the queue file's size once every change is in it (the store closed).
func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the store is still open")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestCompactionKeepsCountsOnlyAndShrinksTheFile: a year after, the sent and purged
// applications become one summary row per day and booth; Stats still counts them, nothing
// personal or identifying stays, the pending and failed ones are untouched, and the file gives
// the pages back without a VACUUM.
func TestCompactionKeepsCountsOnlyAndShrinksTheFile(t *testing.T) {
	ctx := context.Background()
	c := newClock() // 2026-04-01 18:00 JST
	dir := t.TempDir()
	cfg := storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key"), Now: c.Now}
	s, err := storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	type app struct {
		uuid, receipt string
		day           string
		counter       bool
	}
	var apps []app
	want := map[string]*storage.Day{}
	for i := 0; i < 600; i++ {
		a := storagetest.Application(i, smallPhoto)
		a.BoothID = []string{"booth-a", "booth-b"}[i%2]
		if i%3 == 0 {
			a.Channel, a.CardMailed = booth.ChannelCounter, i%6 == 0
		}
		if i%5 == 0 {
			a.PhotoCheck = booth.PhotoCheck{Problems: []string{"too_dark"}, OverrideReason: "staff checked"}
		}
		if err := s.Enqueue(ctx, a); err != nil {
			t.Fatal(err)
		}
		if i%4 == 0 {
			s.MarkSlipPrinted(ctx, a.UUID)
			s.MarkSlipPrinted(ctx, a.UUID)
		}
		apps = append(apps, app{a.UUID, a.Receipt, a.CreatedAt.In(booth.JST).Format(time.DateOnly), i%3 == 0})
		c.Add(10 * time.Minute)
	}
	// All but the last 10 are sent; of those, 5 are refused for good and 5 wait.
	claimed, err := s.ClaimDue(ctx, 600, time.Minute)
	if err != nil || len(claimed) != 600 {
		t.Fatalf("claim %d %v", len(claimed), err)
	}
	for i, cl := range claimed {
		switch {
		case i >= 595:
			err = s.MarkRetry(ctx, cl.UUID, c.Now(), "intake unreachable")
		case i >= 590:
			err = s.MarkFailed(ctx, cl.UUID, "intake: 409 Conflict")
		default:
			err = s.MarkSent(ctx, cl.UUID)
			d := want[apps[i].day+" "+[]string{"booth-a", "booth-b"}[i%2]]
			if d == nil {
				d = &storage.Day{Day: apps[i].day, BoothID: []string{"booth-a", "booth-b"}[i%2]}
				want[d.Day+" "+d.BoothID] = d
			}
			d.Applications++
			d.SendAttempts++
			if i%3 == 0 {
				d.Counter++
			}
			if i%6 == 0 {
				d.CardMailed++
			}
			if i%5 == 0 {
				d.PhotoOverridden++
			}
			if i%4 == 0 {
				d.SlipsPrinted++
				d.SlipReprints++
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	// The retention purge frees the photos; the file gives their pages back at once.
	c.Add(booth.DefaultRetention + time.Hour)
	if n, err := s.Purge(ctx, booth.DefaultRetention); n != 590 || err != nil {
		t.Fatalf("purge %d %v", n, err)
	}
	if days, _ := s.Days(ctx); len(days) != 0 {
		t.Fatalf("compacted before a year: %+v", days)
	}
	before := storagetest.Stats(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	afterPurge := fileSize(t, cfg.Path)
	db := rawDB(t, cfg.Path)
	if pragmaInt(t, db, "freelist_count") != 0 || pragmaInt(t, db, "auto_vacuum") != 2 {
		t.Fatal("pages freed by the purge stayed in the file")
	}
	db.Close()

	// A year after the first ones, one more application, sent at once, stays a row.
	c.Add(storage.DefaultCompactAfter - booth.DefaultRetention - time.Hour)
	if s, err = storage.Open(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	fresh := storagetest.Application(1000, smallPhoto)
	if err := s.Enqueue(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	s.MarkSent(ctx, fresh.UUID)
	// Now the newest of the 590 is a year old.
	if n, err := s.Purge(ctx, booth.DefaultRetention); n != 0 || err != nil {
		t.Fatalf("purge %d %v", n, err)
	}
	after := storagetest.Stats(t, s)
	checkStatsExact(t, s)
	if after.Compacted != 590 || after.Sent != before.Sent+1 || after.Purged != before.Purged ||
		after.Pending != before.Pending || after.Failed != before.Failed {
		t.Fatalf("stats\nbefore %+v\n after %+v", before, after)
	}
	days, err := s.Days(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wantDays []storage.Day
	for _, d := range want {
		wantDays = append(wantDays, *d)
	}
	sortDays(wantDays)
	if !reflect.DeepEqual(days, wantDays) {
		t.Fatalf("daily summary\n got %+v\nwant %+v", days, wantDays)
	}
	entries, _ := s.List(ctx, storage.Filter{})
	if len(entries) != 11 {
		t.Fatalf("%d entries left, want the 10 unsent and the fresh one", len(entries))
	}
	if _, err := s.Entry(ctx, apps[0].uuid); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("compacted entry: %v", err)
	}
	if _, err := s.Entry(ctx, apps[599].uuid); err != nil {
		t.Fatalf("waiting entry: %v", err)
	}
	// A second run finds nothing more to do.
	if n, err := s.Compact(ctx); n != 0 || err != nil {
		t.Fatalf("compact again: %d %v", n, err)
	}
	s.Close()
	if size := fileSize(t, cfg.Path); size >= afterPurge {
		t.Fatalf("file %d bytes after the compaction, %d before", size, afterPurge)
	}
	// Nothing of the compacted applications is left, not even on a free page.
	file, _ := os.ReadFile(cfg.Path)
	for _, a := range apps[:590] {
		if bytes.Contains(file, []byte(a.receipt)) || bytes.Contains(file, []byte(a.uuid)) {
			t.Fatalf("the file still holds %s / %s", a.receipt, a.uuid)
		}
	}
}

func sortDays(d []storage.Day) {
	slices.SortFunc(d, func(x, y storage.Day) int {
		return cmp.Or(cmp.Compare(x.Day, y.Day), cmp.Compare(x.BoothID, y.BoothID))
	})
}

// TestCompactionCanBeTurnedOff: a negative CompactAfter keeps every row.
func TestCompactionCanBeTurnedOff(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	dir := t.TempDir()
	s, err := storage.Open(ctx, storage.Config{Path: filepath.Join(dir, "q.db"), KeyFile: filepath.Join(dir, "k"), Now: c.Now,
		CompactAfter: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := storagetest.Application(1, smallPhoto)
	s.Enqueue(ctx, a)
	s.MarkSent(ctx, a.UUID)
	c.Add(10 * storage.DefaultCompactAfter)
	if n, err := s.Purge(ctx, booth.DefaultRetention); n != 1 || err != nil {
		t.Fatalf("purge %d %v", n, err)
	}
	if st := storagetest.Stats(t, s); st.Compacted != 0 || st.Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
	if _, err := s.Entry(ctx, a.UUID); err != nil {
		t.Fatal(err)
	}
}
