package upload_test

import (
	"context"
	"testing"

	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
)

// BenchmarkSync1000 syncs 1,000 queued applications with ~300 KB photos to the reference intake
// on loopback (both durable, synchronous=FULL); budget ≤ 20 s (DESIGN §3). One op is 1,000.
func BenchmarkSync1000(b *testing.B) {
	ctx := context.Background()
	photo300K := storagetest.Photo(1000, 1300, 17, 9)
	for b.Loop() {
		b.StopTimer()
		q := openQueue(b)
		enqueueN(b, q, 1000, photo300K)
		srv, held := startIntake(b)
		w := &upload.Worker{Store: q, Target: newClient(b, srv.URL, testToken)}
		b.StartTimer()
		res := w.Drain(ctx)
		b.StopTimer()
		if n, _ := held.Count(ctx); res.Sent != 1000 || n != 1000 {
			b.Fatalf("sent %d, intake holds %d: %v", res.Sent, n, res.Err)
		}
		b.StartTimer()
	}
}
