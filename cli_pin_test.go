package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/config"
)

// `idbooth pin` reads the PIN from standard input and stores only its hash in the config file,
// keeping what else the file holds.
func TestPINCommand(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("booth = TKY-01\n"), 0o600)
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := runMainIO(context.Background(), append([]string{"pin", "--config", cfg}, args...), strings.NewReader(stdin), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, _, errOut := run("482916\n"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	file, err := config.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := pin.CheckHash(file["operator-pin-hash"], "482916"); !ok || err != nil || file["booth"] != "TKY-01" {
		t.Fatalf("config holds %q (%v)", file, err)
	}
	data, _ := os.ReadFile(cfg)
	if strings.Contains(string(data), "482916") {
		t.Fatal("the PIN itself is in the config file")
	}
	for _, bad := range []string{"12\n", "abcd\n", ""} {
		if code, _, _ := run(bad); code != exitUsage {
			t.Errorf("PIN %q accepted", bad)
		}
	}
	if code, out, _ := run("2468\n", "--print"); code != exitOK || !strings.HasPrefix(out, "$argon2id$") {
		t.Fatalf("--print: %d %q", code, out)
	}
}
