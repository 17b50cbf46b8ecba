package storage_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// photo64K is a 600×800 JPEG of about 64 KB.
var photo64K = storagetest.Photo(600, 800, 8, 1)

// growthOps are the operations BenchmarkGrowth times at each size, in report order.
var growthOps = []string{"enqueue", "stats", "list50", "list-state", "list-failed", "list-receipt", "list-last4",
	"list-since", "claim32", "purge", "list-all"}

// growthBooth is a booth's history played on a simulated clock: 30 applications a day, each
// day's sent by the sync worker (1 in 250 refused for good), the personal data purged after the
// retention window, and the newest tenth of the history still waiting because the intake has
// been unreachable since: a backlog that grows with the queue. Nothing is compacted, so all N
// applications stay rows of the queue.
type growthBooth struct {
	s *storage.Store
	c *clock
	// raw is a second connection to the queue, for checkpoints.
	raw *sql.DB
	// backlog: nothing was ever sent (the measurement: N enqueues), rather than the
	// history above.
	backlog  bool
	n        int
	receipts []string
	enqueue  []cost // each enqueue's
}

// cost is an operation's wall time and the CPU time the process spent on it (user and system).
// On a machine that other work loads, the wall time grows with the load; the CPU time much
// less, so it shows what grows with the queue.
type cost struct{ wall, cpu time.Duration }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timed runs op and returns its cost.
func timed(op func() error) (cost, error) {
	c0, t0 := cpuTime(), time.Now()
	err := op()
	return cost{time.Since(t0), cpuTime() - c0}, err
}

// median is the median wall time and, apart, the median CPU time of costs.
func median(costs []cost) cost {
	var wall, cpu []time.Duration
	for _, c := range costs {
		wall, cpu = append(wall, c.wall), append(cpu, c.cpu)
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return cost{wall[len(wall)/2], cpu[len(cpu)/2]}
}

const growthPerDay = 30

func (g *growthBooth) growTo(b *testing.B, n int) {
	ctx := context.Background()
	backlog := n - n/10
	if g.backlog {
		backlog = 0
	} else {
		g.drain(b) // the intake is back: the previous backlog goes first
	}
	for g.n < n {
		a := storagetest.Application(g.n, photo64K)
		c, err := timed(func() error { return g.s.Enqueue(ctx, a) })
		if err != nil {
			b.Fatal(err)
		}
		g.enqueue = append(g.enqueue, c)
		g.receipts = append(g.receipts, a.Receipt)
		g.n++
		g.c.Add(24 * time.Hour / growthPerDay)
		if g.n%growthPerDay == 0 && g.n <= backlog {
			g.drain(b)
		}
		if g.n%(7*growthPerDay) == 0 && !g.backlog {
			if _, err := g.s.Purge(ctx, booth.DefaultRetention); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// drain sends every due entry, refusing 1 in 250 for good.
func (g *growthBooth) drain(b *testing.B) {
	ctx := context.Background()
	for {
		claimed, err := g.s.ClaimDue(ctx, 500, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if len(claimed) == 0 {
			return
		}
		for _, c := range claimed {
			if refused(c.FormID) {
				err = g.s.MarkFailed(ctx, c.UUID, "intake: 409 Conflict")
			} else {
				err = g.s.MarkSent(ctx, c.UUID)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// refused is the 1 in 250 applications the intake refuses for good (application number i with
// i%250 == 249; storagetest.FormID ends in i's digits).
func refused(id booth.FormID) bool {
	n, _ := strconv.Atoi(string(id[len(id)-3:]))
	return n%250 == 249
}

// checkpoint moves the WAL into the file (untimed), so that a timed write pays for its own
// pages and not for the checkpoint of the writes before it, which falls on whichever commit
// crosses 1,000 pages.
func (g *growthBooth) checkpoint(b *testing.B) {
	if _, err := g.raw.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
}

// timeOp returns the median cost of up to reps runs of op (at least 5, then while they take
// less than 2 s in all); the median, so that another process's burst on a shared machine does
// not stand for the operation. prep runs untimed before each.
func timeOp(b *testing.B, reps int, prep func(), op func() error) cost {
	var costs []cost
	var spent time.Duration
	for i := 0; i < reps && (i < 5 || spent < 2*time.Second); i++ {
		if prep != nil {
			prep()
		}
		c, err := timed(op)
		if err != nil {
			b.Fatal(err)
		}
		costs, spent = append(costs, c), spent+c.wall
	}
	return median(costs)
}

func (g *growthBooth) measure(b *testing.B) map[string]cost {
	ctx := context.Background()
	m := map[string]cost{}
	m["enqueue"] = median(g.enqueue[max(0, len(g.enqueue)-501):])
	m["stats"] = timeOp(b, 101, nil, func() error { _, err := g.s.Stats(ctx); return err })
	list := func(f storage.Filter, want int) func() error {
		return func() error {
			l, err := g.s.List(ctx, f)
			if err == nil && len(l) < want {
				err = fmt.Errorf("list %+v: %d entries, want %d", f, len(l), want)
			}
			return err
		}
	}
	m["list50"] = timeOp(b, 101, nil, list(storage.Filter{Limit: 50}, 50))
	m["list-state"] = timeOp(b, 101, nil, list(storage.Filter{States: []storage.SyncState{storage.StatePending}, Limit: 50}, 50))
	if !g.backlog {
		// The refused ones, scattered over the history: 3 at 1,000 (the 4th is in the backlog).
		m["list-failed"] = timeOp(b, 101, nil, list(storage.Filter{States: []storage.SyncState{storage.StateFailed}, Limit: 3}, 3))
	}
	old := g.receipts[len(g.receipts)/3]
	m["list-receipt"] = timeOp(b, 101, nil, list(storage.Filter{Receipt: old}, 1))
	m["list-last4"] = timeOp(b, 101, nil, list(storage.Filter{FormIDLast4: storagetest.FormID(g.n / 2).Last4(), Limit: 50}, 1))
	m["list-since"] = timeOp(b, 101, nil, sinceList(g, ctx))
	var claimed []booth.Claimed
	m["claim32"] = timeOp(b, 21, func() {
		// Put the previous claim back, due now, so each claim takes 32 of the backlog.
		for _, c := range claimed {
			if err := g.s.MarkRetry(ctx, c.UUID, g.c.Now(), "bench"); err != nil {
				b.Fatal(err)
			}
		}
		g.checkpoint(b)
	}, func() (err error) {
		claimed, err = g.s.ClaimDue(ctx, 32, time.Minute)
		if err == nil && len(claimed) != 32 {
			err = fmt.Errorf("claimed %d, want 32", len(claimed))
		}
		return err
	})
	for _, c := range claimed {
		g.s.MarkRetry(ctx, c.UUID, g.c.Now(), "bench")
	}
	// Each timed purge removes the personal data of 32 applications sent a retention ago; those
	// sent in the last week of the history go first, untimed.
	g.c.Add(booth.DefaultRetention + time.Minute)
	if _, err := g.s.Purge(ctx, booth.DefaultRetention); err != nil {
		b.Fatal(err)
	}
	m["purge"] = timeOp(b, 11, func() {
		for i := 0; i < 32; i++ {
			a := storagetest.Application(g.n, photo64K)
			if err := g.s.Enqueue(ctx, a); err != nil {
				b.Fatal(err)
			}
			g.n++
			if err := g.s.MarkSent(ctx, a.UUID); err != nil {
				b.Fatal(err)
			}
		}
		g.c.Add(booth.DefaultRetention + time.Minute)
		g.checkpoint(b)
	}, func() error {
		n, err := g.s.Purge(ctx, booth.DefaultRetention)
		if err == nil && n != 32 {
			err = fmt.Errorf("purged %d, want 32", n)
		}
		return err
	})
	m["list-all"] = timeOp(b, 1, nil, list(storage.Filter{}, g.n))
	return m
}

// BenchmarkGrowth times the queue's operations at 1,000, 10,000 and 100,000 applications of
// one booth (~64 KB photos), in two queues: a booth's history (growthBooth) and a backlog of
// applications never sent (the measurement; 6.4 GB of photos at 100,000). It takes
// minutes and is not part of `make test` (nor of `make bench`: it runs only when named):
//
//	go test -tags no_emoji -run '^$' -bench Growth -benchtime 1x -cpu 1 -timeout 60m ./storage/
func BenchmarkGrowth(b *testing.B) {
	// `make bench` (-bench .) would spend minutes and 7 GB of disk here: only when named.
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "Growth") {
		b.Skip("run it by name: -bench Growth")
	}
	for _, backlog := range []bool{false, true} {
		name := map[bool]string{false: "history", true: "backlog"}[backlog]
		b.Run(name, func(b *testing.B) { growth(b, name, backlog) })
	}
}

func growth(b *testing.B, name string, backlog bool) {
	dir := b.TempDir()
	c := newClock()
	s, err := storage.Open(context.Background(), growthConfig(dir, c))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "queue.db")+"?_busy_timeout=5000")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	g := &growthBooth{s: s, c: c, raw: raw, backlog: backlog}
	sizes := []int{1000, 10000, 100000}
	results := map[int]map[string]cost{}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			// The testing package may call this more than once; the queue grows only once.
			if results[n] == nil {
				g.growTo(b, n)
				results[n] = g.measure(b)
			}
			for _, op := range growthOps {
				if c, ok := results[n][op]; ok {
					b.ReportMetric(float64(c.wall.Microseconds())/1000, op+"-ms")
					b.ReportMetric(float64(c.cpu.Microseconds())/1000, op+"-cpu-ms")
				}
			}
		})
	}
	if len(results) == len(sizes) {
		// The table for the note; benchmark logs show only with -v.
		fmt.Printf("%s:\n%s\n", name, growthTable(sizes, results))
	}
}

// growthTable is the figures as a Markdown table, wall times then CPU times, each with the
// ratio of the largest size to the smallest.
func growthTable(sizes []int, results map[int]map[string]cost) string {
	var sb strings.Builder
	sb.WriteString("| op |")
	for _, kind := range []string{"", "CPU "} {
		for _, n := range sizes {
			fmt.Fprintf(&sb, " %s%d |", kind, n)
		}
		sb.WriteString(" " + kind + "ratio |")
	}
	sb.WriteString("\n|---|" + strings.Repeat("---|", 2*(len(sizes)+1)) + "\n")
	for _, op := range growthOps {
		if _, ok := results[sizes[0]][op]; !ok {
			continue
		}
		fmt.Fprintf(&sb, "| %s |", op)
		for _, get := range []func(cost) time.Duration{func(c cost) time.Duration { return c.wall }, func(c cost) time.Duration { return c.cpu }} {
			for _, n := range sizes {
				fmt.Fprintf(&sb, " %.3f ms |", float64(get(results[n][op]).Microseconds())/1000)
			}
			first, last := get(results[sizes[0]][op]), get(results[sizes[len(sizes)-1]][op])
			fmt.Fprintf(&sb, " %.2f× |", float64(last)/float64(max(first, time.Microsecond)))
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// growthConfig keeps every application a row of the queue (no compaction): the queue the
// indexes must carry.
func growthConfig(dir string, c *clock) storage.Config {
	return storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key"), Now: c.Now,
		CompactAfter: -1}
}

// sinceList lists the newest 50 of the last 30 days' applications.
func sinceList(g *growthBooth, ctx context.Context) func() error {
	return func() error {
		l, err := g.s.List(ctx, storage.Filter{Since: g.c.Now().AddDate(0, 0, -30), Limit: 50})
		if err == nil && len(l) == 0 {
			err = fmt.Errorf("nothing in the last 30 days")
		}
		return err
	}
}
