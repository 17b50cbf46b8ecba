package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
)

// faultProxy forwards TCP from 127.0.0.1 to the intake and injects faults per connection:
// refused connections, delays, fake 500s, malformed 200s, requests cut mid-way, and answers
// dropped after the server committed (the case that makes a naive client send twice).
type faultProxy struct {
	ln       net.Listener
	upstream string
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]bool
	faults   [7]atomic.Int64
}

const (
	faultNone = iota
	faultRefuse
	faultDelay
	fault500
	faultMalformed
	faultCutRequest
	faultDropAnswer
)

func newFaultProxy(t *testing.T, upstream string) *faultProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, upstream: upstream, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	return p
}

func (p *faultProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *faultProxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
}

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.track(c, true)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.track(c, false)
			defer c.Close()
			p.handle(c)
		}()
	}
}

func (p *faultProxy) handle(client net.Conn) {
	fault := faultNone
	switch r := rand.IntN(100); {
	case r < 8:
		fault = faultRefuse
	case r < 16:
		fault = faultDelay
	case r < 24:
		fault = fault500
	case r < 28:
		fault = faultMalformed
	case r < 38:
		fault = faultCutRequest
	case r < 48:
		fault = faultDropAnswer
	}
	p.faults[fault].Add(1)
	switch fault {
	case faultRefuse:
		return
	case faultDelay:
		time.Sleep(time.Duration(50+rand.IntN(400)) * time.Millisecond)
	case fault500, faultMalformed:
		client.SetReadDeadline(time.Now().Add(2 * time.Second))
		client.Read(make([]byte, 4096)) // part of the request
		if fault == fault500 {
			io.WriteString(client, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		} else {
			const page = "<html>Welcome to the booth Wi-Fi</html>"
			fmt.Fprintf(client, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(page), page)
		}
		return
	}
	server, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return // the server is down (killed): the client sees the connection close
	}
	p.track(server, true)
	defer p.track(server, false)
	defer server.Close()
	// Even a healthy connection is cut after a random amount of traffic, so kept-alive
	// connections keep meeting faults.
	upBudget := int64(30_000 + rand.IntN(300_000))
	if fault == faultCutRequest {
		upBudget = int64(rand.IntN(30_000))
	}
	done := make(chan struct{}, 2)
	go func() {
		io.CopyN(server, client, upBudget)
		server.Close()
		client.Close()
		done <- struct{}{}
	}()
	go func() {
		if fault == faultDropAnswer {
			// Wait for the server's first byte (it has committed), then drop the answer.
			server.Read(make([]byte, 1))
		} else {
			io.Copy(client, server)
		}
		server.Close()
		client.Close()
		done <- struct{}{}
	}()
	<-done
	<-done
}

// syncChild is a booth's sync worker in its own process: args are the queue database, its key
// and the intake URL. It prints "ready" and runs until killed or signalled.
func syncChild(ctx context.Context, args []string) int {
	q, err := storage.Open(ctx, storage.Config{Path: args[0], KeyFile: args[1]})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer q.Close()
	client, err := upload.NewClient(upload.ClientConfig{URL: args[2], Token: testToken, Timeout: 3 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer client.CloseIdle()
	w := &upload.Worker{Store: q, Target: client, Backoff: upload.Backoff{Base: 5 * time.Millisecond, Cap: 200 * time.Millisecond},
		Poll: 100 * time.Millisecond, Lease: 10 * time.Second}
	fmt.Println("ready")
	if err := w.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startSyncChild starts syncChild and waits until it runs.
func startSyncChild(args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=sync")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("sync child did not start: %q %v", line, err)
	}
	return cmd, nil
}

// TestExactlyOnceThroughFaults syncs 500 applications through the fault proxy while both the
// real server process and the booth's sync process are SIGKILLed and restarted at random
// moments. Afterwards the intake holds exactly 500 (counted by the real count command), each
// with the queued content, and every queue entry is sent.
func TestExactlyOnceThroughFaults(t *testing.T) {
	const n = 500
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "intake")
	dbPath, keyPath := filepath.Join(dir, "queue.db"), filepath.Join(dir, "queue.key")

	q, err := storage.Open(ctx, storage.Config{Path: dbPath, KeyFile: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	photo := storagetest.Photo(600, 800, 0, 1)
	for i := 0; i < n; i++ {
		if err := q.Enqueue(ctx, storagetest.Application(i, photo)); err != nil {
			t.Fatal(err)
		}
	}

	srv, err := startServer(t, "--listen", "127.0.0.1:0", "--data", data, "--token", testToken)
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.addr
	proxy := newFaultProxy(t, addr)
	defer proxy.close()
	syncArgs := []string{dbPath, keyPath, "http://" + proxy.ln.Addr().String()}
	booth, err := startSyncChild(syncArgs...)
	if err != nil {
		t.Fatal(err)
	}

	// The killer SIGKILLs the server (three times in four) or the booth's sync process every
	// 100–500 ms, mid-request as traffic is constant, and restarts it (the server on the same
	// address).
	var serverKills, boothKills atomic.Int64
	var procMu sync.Mutex
	stopKiller := make(chan struct{})
	killerDone := make(chan error, 1)
	go func() {
		for round := 1; ; round++ {
			select {
			case <-stopKiller:
				killerDone <- nil
				return
			case <-time.After(time.Duration(100+rand.IntN(400)) * time.Millisecond):
			}
			procMu.Lock()
			var err error
			if round%4 == 0 {
				booth.Process.Signal(syscall.SIGKILL)
				booth.Wait()
				boothKills.Add(1)
				booth, err = startSyncChild(syncArgs...)
			} else {
				srv.kill()
				serverKills.Add(1)
				time.Sleep(time.Duration(rand.IntN(100)) * time.Millisecond)
				for try := 0; try < 50; try++ {
					if srv, err = startServer(t, "--listen", addr, "--data", data, "--token", testToken); err == nil {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			procMu.Unlock()
			if err != nil {
				killerDone <- err
				return
			}
		}
	}()

	deadline := time.Now().Add(100 * time.Second)
	var st storage.Stats
	for time.Now().Before(deadline) {
		if st, err = q.Stats(ctx); err != nil {
			t.Fatal(err)
		}
		if st.Sent+st.Failed == n {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stopKiller)
	if err := <-killerDone; err != nil {
		t.Fatal(err)
	}
	procMu.Lock()
	booth.Process.Signal(syscall.SIGTERM)
	if err := booth.Wait(); err != nil {
		t.Errorf("sync process: %v", err)
	}
	srv.stop(t)
	procMu.Unlock()

	var faults []string
	for i := range proxy.faults {
		faults = append(faults, fmt.Sprint(proxy.faults[i].Load()))
	}
	t.Logf("kills: server %d, booth sync %d; proxy connections none/refuse/delay/500/malformed/cut/drop-answer: %v",
		serverKills.Load(), boothKills.Load(), faults)
	if st.Sent != n || st.Failed != 0 || st.Pending+st.Sending != 0 {
		t.Fatalf("queue after sync: %+v", st)
	}
	if serverKills.Load() < 5 || boothKills.Load() < 2 || proxy.faults[faultDropAnswer].Load() == 0 || proxy.faults[faultCutRequest].Load() == 0 {
		t.Fatalf("too few faults to mean anything: %d/%d kills, %v", serverKills.Load(), boothKills.Load(), faults)
	}
	code, out, errOut := runCmd("count", "--data", data)
	if code != 0 || out != fmt.Sprintf("%d\n", n) {
		t.Fatalf("idbooth-intake count: exit %d, %q %s", code, out, errOut)
	}
	held, err := intake.OpenStore(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	entries, err := q.List(ctx, storage.Filter{})
	if err != nil || len(entries) != n {
		t.Fatalf("list: %d %v", len(entries), err)
	}
	for _, e := range entries {
		a, err := q.Get(ctx, e.UUID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := held.Get(ctx, e.UUID)
		if err != nil || got.ContentHash() != upload.FromApplication(a).ContentHash() {
			t.Fatalf("intake's copy of %s differs: %v", e.UUID, err)
		}
	}
}
