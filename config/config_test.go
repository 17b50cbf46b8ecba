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

func TestUpdateKeepsTheRestOfTheFile(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "idbooth", "config")
	if err := Update(cfg, map[string]string{"booth": "TKY-01"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cfg, []byte("# the booth at the ward office\nbooth = TKY-01\ndb = /var/lib/idbooth/queue.db\n"), 0o600)
	if err := Update(cfg, map[string]string{"booth": "TKY-02", "booth-name": " 渋谷区役所 # 1F", "idle-timeout": "90s"}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got["booth"] != "TKY-02" || got["db"] != "/var/lib/idbooth/queue.db" || got["booth-name"] != " 渋谷区役所 # 1F" || got["idle-timeout"] != "90s" {
		t.Fatalf("read back %q", got)
	}
	data, _ := os.ReadFile(cfg)
	if string(data[:len("# the booth")]) != "# the booth" {
		t.Fatalf("comment lost:\n%s", data)
	}
	if fi, _ := os.Stat(cfg); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
}

// An installed booth: the administrator's file is read first, what operators saved on screen
// after it, so the saved value wins and the administrator's other lines still apply.
func TestSavedSettingsOverTheAdministratorsFile(t *testing.T) {
	dir := t.TempDir()
	etc, saved := filepath.Join(dir, "etc-config"), filepath.Join(dir, "settings")
	os.WriteFile(etc, []byte("booth = B-01\nvolume = 2\n"), 0o644)
	t.Setenv("IDBOOTH_CONFIG", etc)
	t.Setenv("IDBOOTH_SETTINGS", saved)
	t.Setenv("IDBOOTH_DATA_DIR", filepath.Join(dir, "data"))
	if err := Update(SettingsFile(), map[string]string{"volume": "4"}); err != nil {
		t.Fatal(err)
	}
	vals, err := ReadFiles(Files()...)
	if err != nil {
		t.Fatal(err)
	}
	if vals["booth"] != "B-01" || vals["volume"] != "4" {
		t.Errorf("merged %v", vals)
	}
	if b, _ := os.ReadFile(etc); string(b) != "booth = B-01\nvolume = 2\n" {
		t.Errorf("the administrator's file changed: %q", b)
	}
	if DataDir() != filepath.Join(dir, "data") {
		t.Errorf("DataDir %s", DataDir())
	}
	t.Setenv("IDBOOTH_SETTINGS", "")
	if f := Files(); len(f) != 1 || f[0] != etc || SettingsFile() != etc {
		t.Errorf("without IDBOOTH_SETTINGS: files %v, settings %s", f, SettingsFile())
	}
}

// The intake's variables carry their own prefix: a booth's IDBOOTH_DB on the same machine is
// its queue, not the intake's database.
func TestApplyPrefixed(t *testing.T) {
	t.Setenv("IDBOOTH_DB", "/var/lib/idbooth/queue.db")
	t.Setenv("IDBOOTH_INTAKE_S3_SECRET_KEY", "from-env")
	fs := flag.NewFlagSet("intake", flag.ContinueOnError)
	db := fs.String("db", "", "")
	secret := fs.String("s3-secret-key", "", "")
	listen := fs.String("listen", "", "")
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := ApplyPrefixed(fs, map[string]string{"listen": "127.0.0.1:9"}, "IDBOOTH_INTAKE_"); err != nil {
		t.Fatal(err)
	}
	if *db != "" || *secret != "from-env" || *listen != "127.0.0.1:9" {
		t.Errorf("db %q secret %q listen %q", *db, *secret, *listen)
	}
}
