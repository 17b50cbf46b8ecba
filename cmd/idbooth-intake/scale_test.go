package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/pgstore"
	"github.com/idbooth/idbooth/upload/intake/photostore"
)

// fleetBackend is one PostgreSQL cluster and one S3 server with a bucket, and the serve flags
// that point an intake at them.
type fleetBackend struct {
	pg    *testsupport.Postgres
	s3    *testsupport.S3
	dbURL string
	flags []string // --db ... --photos ... --s3-...
	opts  photostore.Options
}

func startFleetBackend(t testing.TB) *fleetBackend {
	pg := testsupport.StartPostgres(t)
	s3 := testsupport.StartS3(t)
	f := &fleetBackend{pg: pg, s3: s3, dbURL: pg.CreateDB(t, "intake"),
		opts: photostore.Options{Endpoint: s3.Endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Insecure: true}}
	if err := photostore.MakeBucket(context.Background(), "intake", f.opts); err != nil {
		t.Fatal(err)
	}
	f.flags = []string{"--db", f.dbURL, "--photos", "s3://intake/photos", "--s3-endpoint", s3.Endpoint,
		"--s3-access-key", s3.AccessKey, "--s3-insecure"}
	// The secret goes by the environment, as an operator should pass it.
	t.Setenv("IDBOOTH_INTAKE_S3_SECRET_KEY", s3.SecretKey)
	return f
}

// open opens the backend in the test process, to check what the intakes stored.
func (f *fleetBackend) open(t testing.TB) *pgstore.Store {
	photos, err := photostore.Open(context.Background(), "s3://intake/photos", f.opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgstore.Open(context.Background(), f.dbURL, photos)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// roundRobin is the load balancer in front of the replicas: each connection goes to the next
// replica that accepts it.
type roundRobin struct {
	ln    net.Listener
	addrs []string
	next  atomic.Uint64
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]bool
}

func newRoundRobin(t testing.TB, addrs []string) *roundRobin {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lb := &roundRobin{ln: ln, addrs: addrs, conns: map[net.Conn]bool{}}
	lb.wg.Add(1)
	go func() {
		defer lb.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			lb.wg.Add(1)
			go func() { defer lb.wg.Done(); lb.forward(c) }()
		}
	}()
	return lb
}

func (lb *roundRobin) track(cs ...net.Conn) func() {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	for _, c := range cs {
		lb.conns[c] = true
	}
	return func() {
		lb.mu.Lock()
		defer lb.mu.Unlock()
		for _, c := range cs {
			delete(lb.conns, c)
			c.Close()
		}
	}
}

func (lb *roundRobin) forward(client net.Conn) {
	var server net.Conn
	for range lb.addrs {
		addr := lb.addrs[lb.next.Add(1)%uint64(len(lb.addrs))]
		var err error
		if server, err = net.DialTimeout("tcp", addr, time.Second); err == nil {
			break
		}
	}
	if server == nil {
		client.Close()
		return
	}
	done := lb.track(client, server)
	defer done()
	go func() { io.Copy(server, client); server.Close() }()
	io.Copy(client, server)
}

func (lb *roundRobin) close() {
	lb.ln.Close()
	lb.mu.Lock()
	for c := range lb.conns {
		c.Close()
	}
	lb.mu.Unlock()
	lb.wg.Wait()
}

// uniquePhoto is base with a JPEG comment segment naming tag: a valid, distinct photo.
func uniquePhoto(base []byte, tag string) []byte {
	seg := []byte{0xFF, 0xFE, byte((len(tag) + 2) >> 8), byte(len(tag) + 2)}
	out := append(append(append([]byte{}, base[:2]...), seg...), tag...)
	return append(out, base[2:]...)
}

// simBooth is a booth's queue and its sync worker, run in this process.
type simBooth struct {
	id     string
	q      *storage.Store
	client *upload.Client
	cancel context.CancelFunc
	done   chan struct{}
}

func (b *simBooth) start() {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	w := &upload.Worker{Store: b.q, Target: b.client, Backoff: upload.Backoff{Base: 10 * time.Millisecond, Cap: 500 * time.Millisecond},
		Concurrency: 2, Poll: 200 * time.Millisecond, Lease: 10 * time.Second}
	go func() { defer close(b.done); w.Run(ctx) }()
}

// crash stops the worker at once, whatever it is doing (its claimed entries come back after
// the lease, as after a crash).
func (b *simBooth) crash() { b.cancel(); <-b.done }

// TestExactlyOnceAtScale: booths sync through the fault proxy and a load balancer to three
// intake replicas sharing one PostgreSQL and one S3 server, while replicas are SIGKILLed and
// restarted, the database's connections are terminated and the database itself crash-restarts,
// and booth workers crash. Afterwards the intake holds exactly booths × apps applications,
// each as queued, each photo object present and matching its hash, no row without its photo.
// IDBOOTH_SCALE=full runs 50 booths × 100 applications; the default, 10 × 40, keeps make test
// short. Only faults while applications are still unsent count.
func TestExactlyOnceAtScale(t *testing.T) {
	booths, apps, limit := 10, 40, 4*time.Minute
	if os.Getenv("IDBOOTH_SCALE") == "full" {
		booths, apps, limit = 50, 100, 25*time.Minute
	}
	total := booths * apps
	ctx := context.Background()
	fb := startFleetBackend(t)
	dir := t.TempDir()

	// Each booth has its own token.
	tokens := make([]string, booths)
	for i := range tokens {
		code, out, errOut := runCmd(append([]string{"booth", "add"}, append(fb.flags, fmt.Sprintf("booth-%02d", i))...)...)
		var added struct{ Token string }
		if code != 0 || json.Unmarshal([]byte(out), &added) != nil || added.Token == "" {
			t.Fatalf("booth add: exit %d %q %s", code, out, errOut)
		}
		tokens[i] = added.Token
	}

	serveArgs := append([]string{"--listen", "127.0.0.1:0", "--token", testToken}, fb.flags...)
	replicas := make([]*serverProc, 3)
	addrs := make([]string, 3)
	for i := range replicas {
		srv, err := startServer(t, serveArgs...)
		if err != nil {
			t.Fatal(err)
		}
		replicas[i], addrs[i] = srv, srv.addr
	}
	lb := newRoundRobin(t, addrs)
	defer lb.close()
	proxy := newFaultProxy(t, lb.ln.Addr().String())
	defer proxy.close()

	// The queues are filled first (several at once: each enqueue is a durable write), then every
	// booth starts syncing and the killer starts killing.
	base := storagetest.Photo(600, 800, 0, 1)
	sims := make([]*simBooth, booths)
	var fill sync.WaitGroup
	fillErr := make(chan error, booths)
	slots := make(chan struct{}, 8)
	for i := range sims {
		id := fmt.Sprintf("booth-%02d", i)
		q, err := storage.Open(ctx, storage.Config{Path: filepath.Join(dir, id+".db"), KeyFile: filepath.Join(dir, id+".key")})
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		client, err := upload.NewClient(upload.ClientConfig{URL: "http://" + proxy.ln.Addr().String(), Token: tokens[i], Timeout: 5 * time.Second, MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer client.CloseIdle()
		sims[i] = &simBooth{id: id, q: q, client: client}
		fill.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			for k := 0; k < apps; k++ {
				a := storagetest.Application(i*1000+k, uniquePhoto(base, fmt.Sprintf("%s/%d", id, k)))
				a.BoothID = id
				if err := q.Enqueue(ctx, a); err != nil {
					fillErr <- err
					return
				}
			}
		})
	}
	fill.Wait()
	close(fillErr)
	if err := <-fillErr; err != nil {
		t.Fatal(err)
	}
	for _, b := range sims {
		b.start()
	}

	// The killer: every 0.2–0.6 s, in rounds of eight, the database crash-restarts (round 2),
	// its connections are terminated (4), a booth's worker crashes (7), or a replica is
	// SIGKILLed and restarted on its address (the other five). Faults after the last
	// application was sent are not counted.
	var replicaKills, connKills, dbRestarts, boothCrashes atomic.Int64
	var allSent atomic.Bool
	var during bool // the current fault began while applications were unsent
	count := func(c *atomic.Int64) {
		if during {
			c.Add(1)
		}
	}
	stop := make(chan struct{})
	killerErr := make(chan error, 1)
	go func() {
		for round := 1; ; round++ {
			select {
			case <-stop:
				killerErr <- nil
				return
			case <-time.After(time.Duration(200+rand.IntN(400)) * time.Millisecond):
			}
			during = !allSent.Load()
			switch round % 8 {
			case 2:
				if err := fb.pg.Restart(); err != nil {
					killerErr <- err
					return
				}
				count(&dbRestarts)
			case 4:
				if err := fb.pg.TerminateConnections("intake"); err != nil {
					killerErr <- err
					return
				}
				count(&connKills)
			case 7:
				b := sims[rand.IntN(len(sims))]
				b.crash()
				b.start()
				count(&boothCrashes)
			default:
				i := rand.IntN(len(replicas))
				replicas[i].kill()
				count(&replicaKills)
				var err error
				// Up to 20 s: a replica cannot start while the database restarts.
				for try := 0; try < 400; try++ {
					args := append([]string{"--listen", addrs[i], "--token", testToken}, fb.flags...)
					if replicas[i], err = startServer(t, args...); err == nil {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if err != nil {
					killerErr <- err
					return
				}
			}
		}
	}()

	start := time.Now()
	deadline := start.Add(limit)
	sent := 0
	for time.Now().Before(deadline) {
		sent = 0
		for _, b := range sims {
			st, err := b.q.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sent += st.Sent
			if st.Failed > 0 {
				t.Fatalf("%s: %d applications failed for good: %s", b.id, st.Failed, st.LastError)
			}
		}
		if sent == total {
			allSent.Store(true)
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	elapsed := time.Since(start)
	close(stop)
	if err := <-killerErr; err != nil {
		t.Fatal(err)
	}
	for _, b := range sims {
		b.crash()
	}
	for _, r := range replicas {
		r.stop(t)
	}
	var faults []string
	for i := range proxy.faults {
		faults = append(faults, fmt.Sprint(proxy.faults[i].Load()))
	}
	t.Logf("%d booths × %d applications synced in %v (%.0f a second): replica kills %d, connection kills %d, database restarts %d, booth crashes %d; proxy none/refuse/delay/500/malformed/cut/drop-answer: %s",
		booths, apps, elapsed.Round(time.Second), float64(total)/elapsed.Seconds(), replicaKills.Load(), connKills.Load(), dbRestarts.Load(), boothCrashes.Load(), strings.Join(faults, "/"))
	if sent != total {
		t.Fatalf("only %d of %d sent in %v", sent, total, limit)
	}
	if replicaKills.Load() < 3 || connKills.Load() < 1 || dbRestarts.Load() < 1 || proxy.faults[faultDropAnswer].Load() == 0 {
		t.Fatalf("too few faults to mean anything")
	}

	code, out, errOut := runCmd(append([]string{"count"}, fb.flags...)...)
	if code != 0 || out != fmt.Sprintf("%d\n", total) {
		t.Fatalf("idbooth-intake count: exit %d, %q %s", code, out, errOut)
	}
	held := fb.open(t)
	// Every queued application is held as queued, photo included.
	for _, b := range sims {
		entries, err := b.q.List(ctx, storage.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			a, err := b.q.Get(ctx, e.UUID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := held.Get(ctx, e.UUID)
			if err != nil || got.ContentHash() != upload.FromApplication(a).ContentHash() {
				t.Fatalf("intake's copy of %s differs: %v", e.UUID, err)
			}
		}
	}
	// Every row's photo object is there and matches its hash: no orphan row.
	rows := 0
	err := held.PhotoRefs(ctx, func(r pgstore.PhotoRef) error {
		b, err := held.Photos().Get(ctx, r.Key)
		if err != nil || photostore.Key(b) != r.Key || len(b) != r.Bytes {
			return fmt.Errorf("photo of %s: %v", r.UUID, err)
		}
		rows++
		return nil
	})
	if err != nil || rows != total {
		t.Fatalf("rows with their photo: %d of %d: %v", rows, total, err)
	}
	// Objects written by requests killed before their row committed are collected by gc, and
	// only those (a grace period of a nanosecond: everything written counts as old).
	objects := 0
	held.Photos().List(ctx, time.Now().Add(time.Hour), func(string) error { objects++; return nil })
	code, out, errOut = runCmd(append([]string{"gc", "--grace", "1ns"}, fb.flags...)...)
	var gc struct{ Deleted int }
	if code != 0 || json.Unmarshal([]byte(out), &gc) != nil || objects-gc.Deleted != total {
		t.Fatalf("gc: %d objects, exit %d %q %s, want %d left", objects, code, out, errOut, total)
	}
	left := 0
	held.Photos().List(ctx, time.Now().Add(time.Hour), func(string) error { left++; return nil })
	if left != total {
		t.Fatalf("after gc %d objects, want %d", left, total)
	}
	t.Logf("photo objects %d, of which %d orphans collected by gc", objects, gc.Deleted)
}
