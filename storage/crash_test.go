package storage_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// crashChildEnv makes the test binary act as the crash test's child: it enqueues in a loop and
// prints "done UUID N" after each Enqueue returned, until it is killed.
const crashChildEnv = "IDBOOTH_STORAGE_CRASH_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	os.Exit(m.Run())
}

var crashPhoto = storagetest.Photo(800, 1000, 8, 3)

func crashChild(dir string) int {
	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ready")
	for i := rand.IntN(1 << 30); ; i++ {
		a := storagetest.Application(i, crashPhoto)
		if err := s.Enqueue(ctx, a); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("done %s %d\n", a.UUID, i)
	}
}

// TestCrashSafety kills a child process that enqueues in a loop with SIGKILL at random moments,
// 50 times: every enqueue it reported done must be there whole, and the file must be sound.
func TestCrashSafety(t *testing.T) {
	dir := t.TempDir()
	reported := map[string]int{}
	for round := 0; round < 50; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill at a random moment: before it is ready (round 0: while it creates the key and
		// schema) or while it writes.
		kill := time.After(time.Duration(rand.IntN(80)) * time.Millisecond)
		if round%10 != 0 {
			if l := <-lines; l != "ready" {
				t.Fatalf("child: %q %s", l, stderr.String())
			}
			kill = time.After(time.Duration(5+rand.IntN(60)) * time.Millisecond)
		}
		<-kill
		cmd.Process.Signal(syscall.SIGKILL)
		for l := range lines {
			var u string
			var i int
			if _, err := fmt.Sscanf(l, "done %s %d", &u, &i); err == nil {
				reported[u] = i
			}
		}
		cmd.Wait()
		if strings.Contains(stderr.String(), "storage:") {
			t.Fatalf("round %d: child failed: %s", round, stderr.String())
		}
	}
	if len(reported) < 20 {
		t.Fatalf("only %d enqueues reported in 50 rounds: the child barely ran", len(reported))
	}

	s := openStore(t, dir, nil)
	ctx := context.Background()
	for u, i := range reported {
		a, err := s.Get(ctx, u)
		if err != nil {
			t.Fatalf("reported application %s lost: %v", u, err)
		}
		if a.FormID != storagetest.FormID(i) || !bytes.Equal(a.Photo, crashPhoto) {
			t.Fatalf("application %s holds other data", u)
		}
	}
	// None is half-written: every stored application (also those whose "done" the kill cut
	// off) has its outbox entry and its sealed data, and decrypts.
	all, err := s.List(ctx, storage.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if _, err := s.Get(ctx, e.UUID); err != nil || e.State != storage.StatePending {
			t.Fatalf("stored application %s: %v (state %s)", e.UUID, err, e.State)
		}
	}
	raw, err := sql.Open("sqlite3", filepath.Join(dir, "queue.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var apps, outbox, sealed int
	if err := raw.QueryRow(`SELECT (SELECT COUNT(*) FROM applications), (SELECT COUNT(*) FROM outbox),
		(SELECT COUNT(*) FROM sealed)`).Scan(&apps, &outbox, &sealed); err != nil {
		t.Fatal(err)
	}
	if apps != len(all) || outbox != apps || sealed != apps {
		t.Fatalf("half-written rows: %d applications, %d outbox entries, %d sealed", apps, outbox, sealed)
	}
	if res, err := s.IntegrityCheck(ctx); res != "ok" || err != nil {
		t.Fatalf("integrity check: %s %v", res, err)
	}
	t.Logf("50 kills: %d enqueues reported done, %d stored, all whole", len(reported), len(all))
}
