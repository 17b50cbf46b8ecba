// Package config resolves settings the way DESIGN §2 says: a command-line flag wins, then the
// environment (IDBOOTH_*), then the config file, then the built-in default.
//
// Every flag of every idbooth command takes part automatically: a flag named "e-cert" is also
// IDBOOTH_E_CERT in the environment and "e-cert = yes" in the config file.
package config

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/idbooth/idbooth/internal/atomicfile"
)

// envAliases names the environment variables whose names the CLI contract fixes
// differently from the generic IDBOOTH_<FLAG> rule.
var envAliases = map[string]string{
	"intake": "IDBOOTH_INTAKE_URL",
	"token":  "IDBOOTH_INTAKE_TOKEN",
}

// EnvName is the environment variable that backs the flag called name.
func EnvName(name string) string {
	if e, ok := envAliases[name]; ok {
		return e
	}
	return "IDBOOTH_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// DefaultFile is the config file read when IDBOOTH_CONFIG is unset.
func DefaultFile() string {
	if p := os.Getenv("IDBOOTH_CONFIG"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "idbooth", "config")
}

// SettingsFile is where the kiosk saves what operators change on screen (settings, the PIN):
// IDBOOTH_SETTINGS, by default the config file itself. An installed booth keeps the
// administrator's /etc/idbooth/config read-only and saves to /var/lib/idbooth/settings, which
// is read after it and so wins (Files).
func SettingsFile() string {
	if p := os.Getenv("IDBOOTH_SETTINGS"); p != "" {
		return p
	}
	return DefaultFile()
}

// Files are the files settings are read from, in order: a later file wins.
func Files() []string {
	if c, s := DefaultFile(), SettingsFile(); c != s {
		return []string{c, s}
	}
	return []string{DefaultFile()}
}

// ReadFiles reads each file as ReadFile does and merges them: a name in a later file wins.
func ReadFiles(paths ...string) (map[string]string, error) {
	vals := map[string]string{}
	for _, p := range paths {
		m, err := ReadFile(p)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			vals[k] = v
		}
	}
	return vals, nil
}

// DataDir is idbooth's data directory (the queue database and its key live here):
// IDBOOTH_DATA_DIR (an installed booth: /var/lib/idbooth), else the user's data directory.
func DataDir() string {
	if d := os.Getenv("IDBOOTH_DATA_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "idbooth")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "idbooth")
	}
	return "idbooth-data"
}

// ReadFile parses a config file of "name = value" lines; '#' starts a comment.
// A missing file is not an error: the defaults apply.
func ReadFile(path string) (map[string]string, error) {
	vals := map[string]string{}
	if path == "" {
		return vals, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return vals, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("config: %s:%d: want name = value, got %q", path, n, line)
		}
		vals[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return vals, nil
}

// Apply fills every flag of fs that was not given on the command line from the environment,
// then from file. Call it after fs.Parse.
func Apply(fset *flag.FlagSet, file map[string]string) error {
	return apply(fset, file, EnvName)
}

// ApplyPrefixed is Apply for another program whose environment variables are prefix + the
// flag's name (IDBOOTH_INTAKE_DB for the intake's --db), so that a machine running it beside a
// booth cannot hand the booth's IDBOOTH_DB (its queue) to it.
func ApplyPrefixed(fset *flag.FlagSet, file map[string]string, prefix string) error {
	return apply(fset, file, func(name string) string {
		return prefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	})
}

func apply(fset *flag.FlagSet, file map[string]string, envName func(string) string) error {
	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fset.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		v, ok := os.LookupEnv(envName(f.Name))
		src := envName(f.Name)
		if !ok {
			v, ok = file[f.Name]
			src = "config file"
		}
		if !ok {
			return
		}
		if err := f.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: -%s=%q: %w", src, f.Name, v, err))
		}
	})
	return errors.Join(errs...)
}

// Update sets names to values in the config file at path, keeping its other lines and comments
// as they are, and adds names it does not have. The file is replaced atomically (a crash leaves
// the old or the new file, never half of one) with mode 0600: it may hold the intake token.
func Update(path string, values map[string]string) error {
	if path == "" {
		return errors.New("config: no config file")
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", err)
	}
	done := map[string]bool{}
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		k, _, ok := strings.Cut(line, "=")
		name := strings.TrimSpace(k)
		if v, set := values[name]; ok && set && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			line = name + " = " + quote(v)
			done[name] = true
		}
		if line != "" || len(out) > 0 {
			out = append(out, line)
		}
	}
	names := make([]string, 0, len(values))
	for n := range values {
		if !done[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, n+" = "+quote(values[n]))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := atomicfile.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// quote keeps a value with leading or trailing spaces or a '#' intact when read back.
func quote(v string) string {
	if v != strings.TrimSpace(v) || strings.Contains(v, "#") {
		return `"` + v + `"`
	}
	return v
}
