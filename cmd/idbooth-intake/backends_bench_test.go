package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
)

// BenchmarkIntakeBackends measures the real server process on each backend: SQLite in a data
// directory, and PostgreSQL with the photos in S3 (SeaweedFS), both on this machine. Clients
// send distinct applications with ~300 KB photos, 8 at a time; reported: applications per
// second and the 99th percentile latency of a PUT.
//
//	go test -tags no_emoji -run '^$' -bench IntakeBackends -benchtime 2000x ./cmd/idbooth-intake/
func BenchmarkIntakeBackends(b *testing.B) {
	base := storagetest.Photo(1200, 1600, 12, 3) // about 330 KB
	b.Logf("photo of %d KB", len(base)/1000)
	for _, backend := range []string{"sqlite", "postgres+s3"} {
		b.Run(backend, func(b *testing.B) {
			args := []string{"--listen", "127.0.0.1:0", "--token", testToken}
			if backend == "sqlite" {
				args = append(args, "--data", b.TempDir())
			} else {
				args = append(args, startFleetBackend(b).flags...)
			}
			srv, err := startServer(b, args...)
			if err != nil {
				b.Fatal(err)
			}
			defer srv.stop(b)
			const clients = 8
			client, err := upload.NewClient(upload.ClientConfig{URL: "http://" + srv.addr, Token: testToken, MaxConns: clients})
			if err != nil {
				b.Fatal(err)
			}
			defer client.CloseIdle()
			apps := make([]*upload.Application, b.N)
			for i := range apps {
				a := storagetest.Application(i, uniquePhoto(base, fmt.Sprint(i)))
				a.UUID = booth.NewUUID()
				a.Receipt, a.CreatedAt = "ABCD-EFGH", time.Now().Add(-time.Minute) // as the queue makes them
				apps[i] = upload.FromApplication(a)
			}
			latencies := make([]time.Duration, b.N)
			next := make(chan int)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var firstErr error
			b.ResetTimer()
			start := time.Now()
			for range clients {
				wg.Go(func() {
					for i := range next {
						t0 := time.Now()
						err := client.Put(context.Background(), apps[i])
						latencies[i] = time.Since(t0)
						if err != nil {
							mu.Lock()
							firstErr = err
							mu.Unlock()
						}
					}
				})
			}
			for i := range apps {
				next <- i
			}
			close(next)
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if firstErr != nil {
				b.Fatal(firstErr)
			}
			slices.Sort(latencies)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "apps/s")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
