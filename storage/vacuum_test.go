package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// TestFreePagesAreReusedOrGivenBack: the photos of a day's purge leave free pages that the next
// applications fill (moving recent data into them would cost as much); a purge that leaves more
// than half the file free gives the pages back to the file system at once. (Compaction gives
// back what it frees: TestCompactionKeepsCountsOnlyAndShrinksTheFile.)
func TestFreePagesAreReusedOrGivenBack(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	dir := t.TempDir()
	s := openStore(t, dir, c)
	db := rawDB(t, s.Path())
	pages := func() (free, total int) { return pragmaInt(t, db, "freelist_count"), pragmaInt(t, db, "page_count") }
	var uuids []string
	for i := 0; i < 40; i++ {
		a := storagetest.Application(i, photo64K)
		if err := s.Enqueue(ctx, a); err != nil {
			t.Fatal(err)
		}
		uuids = append(uuids, a.UUID)
	}
	send := func(us []string) {
		for _, u := range us {
			if err := s.MarkSent(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		c.Add(booth.DefaultRetention + time.Minute)
		if n, err := s.Purge(ctx, booth.DefaultRetention); n != len(us) || err != nil {
			t.Fatalf("purge %d %v", n, err)
		}
	}
	send(uuids[:4])
	free, total := pages()
	if free < 4*16 {
		t.Fatalf("%d free pages of %d after purging 4 photos: given back too early", free, total)
	}
	if err := s.Enqueue(ctx, storagetest.Application(100, photo64K)); err != nil {
		t.Fatal(err)
	}
	if free2, total2 := pages(); free2 >= free || total2 != total {
		t.Fatalf("the next photo did not fill the free pages: %d/%d, then %d/%d", free, total, free2, total2)
	}
	send(uuids[4:30])
	if free, total2 := pages(); free != 0 || total2 > total/2 {
		t.Fatalf("after purging most photos: %d free pages, %d of %d before", free, total2, total)
	}
}
