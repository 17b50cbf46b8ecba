package config

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

func TestApplyPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("# booth settings\ndb = /from/file.db\nlang = en\nintake = https://file.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("IDBOOTH_LANG", "ja")
	t.Setenv("IDBOOTH_INTAKE_URL", "https://env.example")

	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	db := fs.String("db", "default.db", "")
	lang := fs.String("lang", "xx", "")
	intake := fs.String("intake", "", "")
	key := fs.String("key", "default.key", "")
	if err := fs.Parse([]string{"-key", "/flag.key"}); err != nil {
		t.Fatal(err)
	}
	if err := Apply(fs, file); err != nil {
		t.Fatal(err)
	}
	if *key != "/flag.key" || *lang != "ja" || *db != "/from/file.db" || *intake != "https://env.example" {
		t.Fatalf("got key=%s lang=%s db=%s intake=%s", *key, *lang, *db, *intake)
	}
}

func TestReadFileErrors(t *testing.T) {
	if v, err := ReadFile(filepath.Join(t.TempDir(), "missing")); err != nil || len(v) != 0 {
		t.Fatalf("missing file: %v %v", v, err)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("no equals sign\n"), 0o600)
	if _, err := ReadFile(bad); err == nil {
		t.Fatal("want a parse error")
	}
}

func TestApplyBadValue(t *testing.T) {
	t.Setenv("IDBOOTH_WINDOWED", "perhaps")
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.Bool("windowed", false, "")
	fs.Parse(nil)
	if err := Apply(fs, nil); err == nil {
		t.Fatal("want an error naming IDBOOTH_WINDOWED")
	}
}
