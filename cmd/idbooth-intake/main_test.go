package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
)

// childEnv makes the test binary a child process that tests start, SIGKILL and restart:
// "1" runs idbooth-intake itself with its arguments, "sync" a booth's sync worker
// (syncChild).
const childEnv = "IDBOOTH_INTAKE_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		var code int
		if mode == "sync" {
			code = syncChild(ctx, os.Args[1:])
		} else {
			code = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		}
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

const testToken = "intake-test-token-0123456789"

// serverProc is a running idbooth-intake serve.
type serverProc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
}

// startServer runs serve with args and waits until it listens.
func startServer(t testing.TB, args ...string) (*serverProc, error) {
	cmd := exec.Command(os.Args[0], append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Wait()
		return nil, fmt.Errorf("server did not start: %v: %s", err, stderr.String())
	}
	var hello struct{ Listen string }
	if err := json.Unmarshal([]byte(line), &hello); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("server said %q", line)
	}
	return &serverProc{cmd: cmd, addr: hello.Listen, stderr: &stderr}, nil
}

func (p *serverProc) kill() { p.cmd.Process.Signal(syscall.SIGKILL); p.cmd.Wait() }

func (p *serverProc) stop(t testing.TB) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("server exit: %v: %s", err, p.stderr.String())
	}
}

func runCmd(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	dir := t.TempDir()
	for _, listen := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8443"} {
		code, _, errOut := runCmd("serve", "--listen", listen, "--data", dir, "--token", testToken)
		if code != 2 || !strings.Contains(errOut, "refusing plain HTTP") {
			t.Errorf("%s: exit %d: %s", listen, code, errOut)
		}
	}
	if code, _, errOut := runCmd("serve", "--listen", "127.0.0.1:0", "--data", dir); code != 2 || !strings.Contains(errOut, "token") {
		t.Errorf("no token: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCmd("count", "--data", filepath.Join(dir, "typo")); code != 2 || !strings.Contains(errOut, "no intake database") {
		t.Errorf("count of a missing intake: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "typo")); err == nil {
		t.Error("count created a data directory")
	}
}

// TestServeTLS serves on all interfaces (allowed with TLS), takes an application over
// 127.0.0.1 from the real client trusting the certificate, and counts it.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeSelfSigned(t, dir)
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(testToken+"\n"), 0o600)
	data := filepath.Join(dir, "data")
	p, err := startServer(t, "--listen", "0.0.0.0:0", "--data", data, "--tls-cert", cert, "--tls-key", key, "--token-file", tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(p.addr)
	client, err := upload.NewClient(upload.ClientConfig{URL: "https://127.0.0.1:" + port, Token: testToken, CAFile: cert})
	if err != nil {
		t.Fatal(err)
	}
	a := storagetest.Application(1, storagetest.Photo(600, 800, 0, 1))
	a.UUID, a.Receipt, a.CreatedAt = booth.NewUUID(), "ABCD-EFGH", time.Now().UTC()
	if err := client.Put(context.Background(), upload.FromApplication(a)); err != nil {
		t.Fatal(err)
	}
	client.CloseIdle()
	p.stop(t)
	if code, out, errOut := runCmd("count", "--data", data); code != 0 || out != "1\n" {
		t.Fatalf("count: %d %q %s", code, out, errOut)
	}
}

func writeSelfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "intake test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(priv)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile
}

// The packaged service starts with only --data: the rest comes from the config file named by
// IDBOOTH_INTAKE_CONFIG, and a flag or the environment still wins over it.
func TestServeTakesItsSettingsFromTheConfigFile(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "intake.token")
	os.WriteFile(tokenFile, []byte(testToken+"\n"), 0o600)
	conf := filepath.Join(dir, "intake.conf")
	os.WriteFile(conf, []byte("listen = 0.0.0.0:0\ntoken-file = "+tokenFile+"\n"), 0o644)
	t.Setenv("IDBOOTH_INTAKE_CONFIG", conf)
	// 0.0.0.0 without TLS is refused: the file was read.
	if code, _, errOut := runCmd("serve", "--data", dir); code != 2 || !strings.Contains(errOut, "refusing plain HTTP on 0.0.0.0") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	t.Setenv("IDBOOTH_INTAKE_LISTEN", "127.0.0.1:0")
	p, err := startServer(t, "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop(t)
	if !strings.HasPrefix(p.addr, "127.0.0.1:") {
		t.Errorf("listening on %s", p.addr)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+"/v1/auth", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the token from the token file: %s", resp.Status)
	}
}
