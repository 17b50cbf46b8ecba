package storage_test

import (
	"context"
	"testing"

	"github.com/idbooth/idbooth/storage/storagetest"
)

// photo300K is a 1000×1300 JPEG of 313,595 bytes, the size of a booth photo (~300 KB).
var photo300K = storagetest.Photo(1000, 1300, 17, 9)

// BenchmarkEnqueue is a durable enqueue (synchronous=FULL, WAL) of an application with a
// ~300 KB photo; budget ≤ 20 ms (DESIGN §3).
func BenchmarkEnqueue(b *testing.B) {
	s := openStore(b, b.TempDir(), nil)
	ctx := context.Background()
	b.SetBytes(int64(len(photo300K)))
	for i := 0; b.Loop(); i++ {
		if err := s.Enqueue(ctx, storagetest.Application(i, photo300K)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(photo300K))/1024, "photo-KiB")
}
