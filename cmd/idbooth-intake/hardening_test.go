package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
)

// runRefused runs a command that must refuse to start; should it start after all, it is
// stopped after a few seconds rather than blocking the test.
func runRefused(args ...string) (int, string, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// putOne sends one valid application to the intake at addr.
func putOne(t *testing.T, addr string) {
	t.Helper()
	client, err := upload.NewClient(upload.ClientConfig{URL: "http://" + addr, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdle()
	a := storagetest.Application(1, storagetest.Photo(600, 800, 0, 1))
	a.UUID, a.Receipt, a.CreatedAt = booth.NewUUID(), "ABCD-EFGH", time.Now().UTC()
	if err := client.Put(context.Background(), upload.FromApplication(a)); err != nil {
		t.Fatal(err)
	}
}

// Defect 3: the database holds every birth date in clear; other local users must not read it,
// whatever the umask, and a data directory others can write is refused.
func TestDataFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022) // the usual umask: files 0644 unless created otherwise
	defer syscall.Umask(old)
	data := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := startServer(t, "--listen", "127.0.0.1:0", "--data", data, "--token", testToken)
	if err != nil {
		t.Fatal(err)
	}
	putOne(t, p.addr)
	// While the intake runs, the WAL and its index hold the latest applications.
	for _, name := range []string{intake.DBFile, intake.DBFile + "-wal", intake.DBFile + "-shm"} {
		fi, err := os.Stat(filepath.Join(data, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want -rw-------", name, fi.Mode().Perm())
		}
	}
	p.stop(t)

	for _, mode := range []os.FileMode{0o775, 0o757, 0o777} {
		dir := filepath.Join(t.TempDir(), "shared")
		os.Mkdir(dir, 0o700)
		os.Chmod(dir, mode)
		code, out, errOut := runRefused("serve", "--listen", "127.0.0.1:0", "--data", dir, "--token", testToken)
		if code != 2 || out != "" || !strings.Contains(errOut, "writable by other users") {
			t.Errorf("data directory %v: exit %d, %q %q", mode, code, out, errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, intake.DBFile)); err == nil {
			t.Errorf("data directory %v: a database was created", mode)
		}
	}
}

// Defect 9: RFC 9110 makes the authentication scheme case-insensitive.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	p, err := startServer(t, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--token", testToken)
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop(t)
	for auth, want := range map[string]int{
		"bearer " + testToken:       200,
		"BEARER " + testToken:       200,
		"Bearer  " + testToken:      200,
		"Bearer " + testToken:       200,
		"Basic " + testToken:        401,
		"bearer" + testToken:        401,
		"bearer " + testToken + "x": 401,
		testToken:                   401,
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+upload.AuthPath, nil)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%q: %s, want %d", strings.Replace(auth, testToken, "TOKEN", 1), resp.Status, want)
		}
	}
}

// Defect 9: the intake announces itself only once it can serve: TLS files it cannot load are
// an error before anything is printed on stdout.
func TestServeLoadsTLSFilesBeforeAnnouncing(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeSelfSigned(t, dir)
	garbage := filepath.Join(dir, "garbage.pem")
	os.WriteFile(garbage, []byte("not a PEM file\n"), 0o600)
	unreadable := filepath.Join(dir, "unreadable.pem")
	os.WriteFile(unreadable, []byte("x"), 0o000)
	for name, files := range map[string][2]string{
		"missing certificate": {filepath.Join(dir, "nope.pem"), key},
		"missing key":         {cert, filepath.Join(dir, "nope.pem")},
		"garbage key":         {cert, garbage},
		"garbage certificate": {garbage, key},
		"unreadable key":      {cert, unreadable},
	} {
		if name == "unreadable key" && os.Geteuid() == 0 {
			continue // root reads it anyway
		}
		code, out, errOut := runRefused("serve", "--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "data"),
			"--token", testToken, "--tls-cert", files[0], "--tls-key", files[1])
		if code != 2 || out != "" || !strings.Contains(errOut, "TLS") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, errOut)
		}
	}
}

// Defect 8: a flood of bad requests makes a bounded number of log lines that still say how many
// were refused.
func TestRefusalsAreAggregatedInTheLog(t *testing.T) {
	p, err := startServer(t, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--token", testToken)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	send := func(n int, auth string, body []byte) {
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 4 {
					req, _ := http.NewRequest(http.MethodPut, "http://"+p.addr+upload.PathPrefix+booth.NewUUID(), bytes.NewReader(body))
					if auth != "" {
						req.Header.Set("Authorization", auth)
					}
					resp, err := client.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
				}
			}()
		}
		wg.Wait()
	}
	start := time.Now()
	send(4000, "", []byte(`{}`))                        // no token
	send(1000, "Bearer "+testToken, []byte(`not json`)) // bad JSON
	t.Logf("5,000 refused requests in %v", time.Since(start).Round(time.Millisecond))
	p.stop(t) // the summary of the interval is written on shutdown at the latest
	lines := strings.Split(strings.TrimSpace(p.stderr.String()), "\n")
	t.Logf("%d log lines:\n%s", len(lines), strings.Join(lines[:min(len(lines), 10)], "\n"))
	if len(lines) > 10 {
		t.Fatalf("%d log lines for 5,000 refusals", len(lines))
	}
	for code, n := range map[string]string{"unauthorized": "4000", "bad_json": "1000"} {
		if !regexp.MustCompile(`code=` + code + `.* count=` + n + `\b`).MatchString(p.stderr.String()) {
			t.Errorf("no line says %s refusals of %s", n, code)
		}
	}
}

// Defect 8: connections that fail their TLS handshake reach no handler but would flood the log
// the same way (one line each from net/http): they are counted with the client's refusals.
func TestTLSHandshakeFailuresAreAggregatedInTheLog(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeSelfSigned(t, dir)
	p, err := startServer(t, "--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--token", testToken,
		"--tls-cert", cert, "--tls-key", key)
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("\x16\x03\x01\x00\x05not a TLS hello"))
		io.Copy(io.Discard, c) // until the server closes it, so its log line is written
		c.Close()
	}
	p.stop(t)
	lines := strings.Split(strings.TrimSpace(p.stderr.String()), "\n")
	t.Logf("%d log lines:\n%s", len(lines), strings.Join(lines[:min(len(lines), 10)], "\n"))
	if len(lines) > 3 || !regexp.MustCompile(`code=tls_handshake count=300\b`).MatchString(p.stderr.String()) {
		t.Errorf("%d log lines for %d failed handshakes, want 2 with the count", len(lines), n)
	}
}
