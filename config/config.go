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
	"strings"
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

// DataDir is the user's data directory for idbooth (the queue database and its key live here).
func DataDir() string {
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
	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fset.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		v, ok := os.LookupEnv(EnvName(f.Name))
		src := EnvName(f.Name)
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
