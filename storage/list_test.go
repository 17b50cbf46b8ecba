package storage_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// TestListPagesAndFilters: pages by cursor give every matching entry once, in List's order
// (newest first, then the greater UUID), whatever the filter; entries of the same millisecond
// are not lost between pages.
func TestListPagesAndFilters(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openStore(t, t.TempDir(), c)
	for i := 0; i < 40; i++ {
		if err := s.Enqueue(ctx, storagetest.Application(i%13, smallPhoto)); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 { // two or three at the same millisecond
			c.Add(time.Minute)
		}
	}
	claimed, _ := s.ClaimDue(ctx, 25, time.Hour)
	for i, cl := range claimed {
		switch i % 5 {
		case 0, 1:
			s.MarkSent(ctx, cl.UUID)
		case 2:
			s.MarkFailed(ctx, cl.UUID, "intake: 409 Conflict")
		case 3:
			s.MarkRetry(ctx, cl.UUID, c.Now(), "intake: 503")
		} // 4: stays sending
	}
	all, err := s.List(ctx, storage.Filter{})
	if err != nil || len(all) != 40 {
		t.Fatalf("list: %d %v", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		p, e := all[i-1], all[i]
		if p.CreatedAt.Before(e.CreatedAt) || p.CreatedAt.Equal(e.CreatedAt) && p.UUID < e.UUID {
			t.Fatalf("entries %d and %d out of order", i-1, i)
		}
	}
	since := all[20].CreatedAt
	filters := map[string]func(e storage.Entry) bool{
		"all":                 func(storage.Entry) bool { return true },
		"sent":                func(e storage.Entry) bool { return e.State == storage.StateSent },
		"pending,sending":     func(e storage.Entry) bool { return e.State == storage.StatePending || e.State == storage.StateSending },
		"failed,sent,pending": func(e storage.Entry) bool { return e.State != storage.StateSending },
		"last4":               func(e storage.Entry) bool { return e.FormIDLast4 == storagetest.FormID(5).Last4() },
		"since":               func(e storage.Entry) bool { return !e.CreatedAt.Before(since) },
		"since,sent":          func(e storage.Entry) bool { return !e.CreatedAt.Before(since) && e.State == storage.StateSent },
		"last4,pending": func(e storage.Entry) bool {
			return e.FormIDLast4 == storagetest.FormID(7).Last4() && e.State == storage.StatePending
		},
	}
	for name, keep := range filters {
		var f storage.Filter
		for _, part := range strings.Split(name, ",") {
			switch part {
			case "all":
			case "last4":
				f.FormIDLast4 = map[bool]string{true: storagetest.FormID(5).Last4(), false: storagetest.FormID(7).Last4()}[name == "last4"]
			case "since":
				f.Since = since
			default:
				f.States = append(f.States, storage.SyncState(part))
			}
		}
		var want []string
		for _, e := range all {
			if keep(e) {
				want = append(want, e.UUID)
			}
		}
		for _, size := range []int{1, 2, 7, 100} {
			var got []string
			f.After, f.Limit = "", size
			for range 50 {
				page, err := s.List(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page {
					got = append(got, e.UUID)
				}
				if len(page) < size {
					break
				}
				f.After = page[len(page)-1].Cursor()
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s in pages of %d:\n got %v\nwant %v", name, size, got, want)
			}
		}
		if len(want) == 0 {
			t.Fatalf("%s matches nothing: a weak test", name)
		}
	}
	if _, err := s.List(ctx, storage.Filter{After: "12.not-a-uuid"}); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("bad cursor: %v", err)
	}
	if byReceipt, err := s.List(ctx, storage.Filter{Receipt: all[3].Receipt, States: []storage.SyncState{all[3].State}}); err != nil ||
		len(byReceipt) != 1 || byReceipt[0].UUID != all[3].UUID {
		t.Fatalf("receipt and state: %v %v", byReceipt, err)
	}
}
