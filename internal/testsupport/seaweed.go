package testsupport

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// S3 is a running S3-compatible server for one test: SeaweedFS's `weed server` (master, volume,
// filer and S3 gateway in one process) on loopback ports, with its data in a temp dir.
type S3 struct {
	Endpoint  string // host:port of the S3 API, plain HTTP
	AccessKey string
	SecretKey string
	cmd       *exec.Cmd
	exited    chan struct{}
}

// Weed returns the path of the `weed` binary that scripts/seaweedfs builds and caches (or
// IDBOOTH_WEED). A missing binary skips the test outside CI and fails it in CI.
func Weed(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("IDBOOTH_WEED"); p != "" {
		return p
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(root, "scripts", "seaweedfs"), "--path").Output()
	if err != nil {
		t.Fatalf("scripts/seaweedfs --path: %v", err)
	}
	p := strings.TrimSpace(string(out))
	if _, err := os.Stat(p); err != nil {
		Missing(t, "SeaweedFS's weed (scripts/seaweedfs builds it): %v", err)
	}
	return p
}

// StartS3 starts `weed server -s3` with one identity (its keys in the returned S3) and waits
// until the S3 API answers. The server is killed and its data removed when the test ends.
func StartS3(t testing.TB) *S3 {
	t.Helper()
	weed := Weed(t)
	dir := t.TempDir()
	s := &S3{AccessKey: "idbooth-test", SecretKey: "idbooth-test-secret-key-0123456789", exited: make(chan struct{})}
	ident := map[string]any{"identities": []any{map[string]any{
		"name":        "idbooth",
		"credentials": []any{map[string]string{"accessKey": s.AccessKey, "secretKey": s.SecretKey}},
		"actions":     []string{"Admin", "Read", "Write", "List", "Tagging"},
	}}}
	cfg, _ := json.Marshal(ident)
	cfgPath := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	// Each service also listens on its port + 10000 (gRPC): pick ports whose pair is free too.
	ports := freePortPairs(t, 4)
	s.Endpoint = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[3]))
	s.cmd = exec.Command(weed, "server", "-dir="+data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port="+strconv.Itoa(ports[0]), "-volume.port="+strconv.Itoa(ports[1]),
		"-filer.port="+strconv.Itoa(ports[2]), "-s3", "-s3.port="+strconv.Itoa(ports[3]),
		"-s3.config="+cfgPath, "-master.volumeSizeLimitMB=256", "-volume.max=0")
	logFile, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); logFile.Close(); close(s.exited) }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
	})
	if err := s.waitReady(90 * time.Second); err != nil {
		log, _ := os.ReadFile(logFile.Name())
		if len(log) > 4000 {
			log = log[len(log)-4000:]
		}
		t.Fatalf("weed server: %v\n%s", err, log)
	}
	return s
}

// waitReady polls the S3 port until it answers an HTTP request (any S3 answer, an "access
// denied" included, means the gateway runs) and the filer behind it takes writes.
func (s *S3) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("exited before it was ready")
		default:
		}
		resp, err := client.Get("http://" + s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("S3 API not answering on %s after %v: %v", s.Endpoint, limit, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freePortPairs returns n loopback ports p, each with p+10000 also free at the moment of asking.
func freePortPairs(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for try := 0; len(ports) < n && try < 1000; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		if p+10000 > 65535 {
			l.Close()
			continue
		}
		l2, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+10000)))
		if err != nil {
			l.Close()
			continue
		}
		held = append(held, l, l2)
		ports = append(ports, p)
	}
	if len(ports) < n {
		t.Fatal("no free loopback port pairs")
	}
	return ports
}
