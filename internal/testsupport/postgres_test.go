package testsupport

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPostgresCluster starts a private cluster, creates a database, writes a row, survives an
// immediate restart, and leaves nothing behind.
func TestPostgresCluster(t *testing.T) {
	var dir string
	t.Run("cluster", func(t *testing.T) {
		pg := StartPostgres(t)
		dir = pg.Dir
		url := pg.CreateDB(t, "probe")
		psql := func(sql string) string {
			out, err := exec.Command(filepath.Join(PostgresBin, "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql).CombinedOutput()
			if err != nil {
				t.Fatalf("psql %q: %v\n%s", sql, err, out)
			}
			return strings.TrimSpace(string(out))
		}
		psql("CREATE TABLE t (n int); INSERT INTO t VALUES (42)")
		if err := pg.Restart(); err != nil {
			t.Fatal(err)
		}
		if got := psql("SELECT n FROM t"); got != "42" {
			t.Fatalf("after restart: %q", got)
		}
		if got := psql("SHOW listen_addresses"); got != "" {
			t.Fatalf("listens on TCP: %q", got)
		}
		// A client in the middle of a query is cut off by TerminateConnections.
		long := exec.Command(filepath.Join(PostgresBin, "psql"), "-X", "-d", url, "-c", "SELECT pg_sleep(60)")
		if err := long.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		start := time.Now()
		if err := pg.TerminateConnections("probe"); err != nil {
			t.Fatal(err)
		}
		if err := long.Wait(); err == nil || time.Since(start) > 10*time.Second {
			t.Fatalf("the session survived: %v after %v", err, time.Since(start))
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cluster dir left behind: %v", err)
	}
}
