package testsupport

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PostgresBin is where Debian's postgresql-15 package puts initdb and pg_ctl.
const PostgresBin = "/usr/lib/postgresql/15/bin"

// Postgres is a private PostgreSQL cluster for one test: its own data directory in a temp dir,
// listening only on a Unix socket there (no TCP port), removed when the test ends.
type Postgres struct {
	Dir    string // the temp dir: data/ and the socket
	user   *syscall.Credential
	pgCtl  string
	logOut string
}

// StartPostgres initialises and starts a cluster with initdb and pg_ctl. PostgreSQL refuses to
// run as root, so under root (as tests run here and in CI) the server runs as the "postgres"
// system user that Debian's package creates ("nobody" when it is absent); the cluster is owned by
// that user and the test connects through the socket as the superuser "postgres".
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	initdb := filepath.Join(PostgresBin, "initdb")
	if _, err := os.Stat(initdb); err != nil {
		Missing(t, "PostgreSQL 15 (Debian's postgresql package): %v", err)
	}
	// Not t.TempDir: its parent is private to root, and the server's user must reach the socket.
	dir, err := os.MkdirTemp("", "idbooth-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &Postgres{Dir: dir, pgCtl: filepath.Join(PostgresBin, "pg_ctl"), logOut: filepath.Join(dir, "server.log")}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			t.Fatal(err)
		}
		p.user = cred
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := p.run(initdb, "-D", p.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
		"--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	if out, err := p.start(); err != nil {
		log, _ := os.ReadFile(p.logOut)
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	t.Cleanup(func() { p.run(p.pgCtl, "stop", "-D", p.data(), "-m", "immediate", "-w", "-t", "30") })
	return p
}

// start starts the server. fsync stays on: the tests of durability mean it. No TCP: the socket
// in Dir only.
func (p *Postgres) start() ([]byte, error) {
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c max_connections=200 -c shared_buffers=64MB", p.Dir)
	return p.run(p.pgCtl, "start", "-D", p.data(), "-w", "-t", "60", "-l", p.logOut, "-o", opts)
}

func (p *Postgres) data() string { return filepath.Join(p.Dir, "data") }

func (p *Postgres) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = p.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if p.user != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.user}
	}
	return cmd.CombinedOutput()
}

// URL is a connection string for database db (created with CreateDB, or "postgres") through the
// cluster's Unix socket, as pgx and psql take it.
func (p *Postgres) URL(db string) string {
	q := url.Values{"host": {p.Dir}, "sslmode": {"disable"}}
	return "postgres://postgres@/" + url.PathEscape(db) + "?" + q.Encode()
}

// CreateDB creates a fresh database and returns its URL.
func (p *Postgres) CreateDB(t testing.TB, name string) string {
	t.Helper()
	createdb := filepath.Join(PostgresBin, "createdb")
	if out, err := p.run(createdb, "-h", p.Dir, "-U", "postgres", name); err != nil {
		t.Fatalf("createdb %s: %v\n%s", name, err, out)
	}
	return p.URL(name)
}

// Restart stops the server at once (as a crash would: -m immediate) and starts it again on the
// same data and socket. Open connections break; committed data survives. Safe to call from any
// goroutine.
func (p *Postgres) Restart() error {
	if out, err := p.run(p.pgCtl, "stop", "-D", p.data(), "-m", "immediate", "-w", "-t", "30"); err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := p.start()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pg_ctl start: %v\n%s", err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// unprivileged is the user the server runs as under root.
func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, fmt.Errorf("no unprivileged user (postgres, nobody) to run PostgreSQL as")
}

// TerminateConnections ends every client connection to database db (pg_terminate_backend), as a
// network cut or a database fail-over would. Safe to call from any goroutine.
func (p *Postgres) TerminateConnections(db string) error {
	if strings.ContainsAny(db, `'\`) {
		return fmt.Errorf("terminate connections: database name %q", db)
	}
	psql := filepath.Join(PostgresBin, "psql")
	if out, err := p.run(psql, "-X", "-q", "-d", p.URL("postgres"), "-c",
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"+db+"' AND pid <> pg_backend_pid()"); err != nil {
		return fmt.Errorf("terminate connections: %v\n%s", err, out)
	}
	return nil
}
