package assets

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/idbooth/idbooth/booth"
)

// Translations live in i18n/<lang>/<domain>.json, one flat object of key → text per file, so
// that each package owns its own file (qr.json, photo.json, ui.json, slip.json ...). Keys are
// prefixed with the domain ("qr.not_a_form_qr"). Texts use fmt verbs for arguments.
//
//go:embed i18n
var i18nFS embed.FS

// DefaultLanguage is the language of the kiosk and of anything a key is missing from.
const DefaultLanguage = "ja"

// A Catalog looks up the texts of one language, falling back to Japanese, then to the key.
type Catalog struct {
	lang     string
	msgs     map[string]string
	fallback *Catalog
}

var (
	catalogsOnce sync.Once
	catalogs     map[string]*Catalog
	catalogsErr  error
)

func loadCatalogs() {
	catalogs = map[string]*Catalog{}
	langs, err := fs.ReadDir(i18nFS, "i18n")
	if err != nil {
		catalogsErr = err
		return
	}
	for _, l := range langs {
		if !l.IsDir() {
			continue
		}
		c := &Catalog{lang: l.Name(), msgs: map[string]string{}}
		files, _ := fs.Glob(i18nFS, path.Join("i18n", l.Name(), "*.json"))
		for _, f := range files {
			data, err := i18nFS.ReadFile(f)
			if err != nil {
				catalogsErr = err
				return
			}
			var m map[string]string
			if err := json.Unmarshal(data, &m); err != nil {
				catalogsErr = fmt.Errorf("assets: %s: %w", f, err)
				return
			}
			for k, v := range m {
				c.msgs[k] = v
			}
		}
		catalogs[l.Name()] = c
	}
	if ja := catalogs[DefaultLanguage]; ja != nil {
		for _, c := range catalogs {
			if c != ja {
				c.fallback = ja
			}
		}
	}
}

// Messages returns the catalog for lang ("ja", "en", ... or "en-US"); unknown languages get
// the Japanese catalog.
func Messages(lang string) *Catalog {
	catalogsOnce.Do(loadCatalogs)
	if catalogsErr != nil {
		panic(catalogsErr) // embedded at build time: a broken file is a programming error caught by tests
	}
	lang = strings.ToLower(lang)
	if c, ok := catalogs[lang]; ok {
		return c
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		if c, ok := catalogs[base]; ok {
			return c
		}
	}
	return catalogs[DefaultLanguage]
}

// Languages lists the languages with a catalog, sorted.
func Languages() []string {
	catalogsOnce.Do(loadCatalogs)
	out := make([]string, 0, len(catalogs))
	for l := range catalogs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Lang is the catalog's language code.
func (c *Catalog) Lang() string { return c.lang }

// Has reports whether the catalog itself (not its fallback) has key.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs[key]; return ok }

// T returns the text for key, formatted with args.
func (c *Catalog) T(key string, args ...any) string {
	for cat := c; cat != nil; cat = cat.fallback {
		if s, ok := cat.msgs[key]; ok {
			if len(args) > 0 {
				return fmt.Sprintf(s, args...)
			}
			return s
		}
	}
	return key
}

// Error is the message people see for err, in the catalog's language: what happened and what
// to do next, never the cause (that is for operators' logs). Every domain error names its
// message (booth.MessageKey); an error none claims gets a calm "please ask staff".
func (c *Catalog) Error(err error) string { return c.T(booth.MessageKey(err)) }

// Keys lists the catalog's own keys (not its fallback's), sorted.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
