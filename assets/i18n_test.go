package assets

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Every offered language has every resident-facing key of Japanese (the kiosk's default and the
// fallback), uses format verbs the texts' arguments fit, and names itself in its own script.
// Staff-facing screens — operator mode (operator.*) and the counter (counter.*) — are in
// Japanese and English only: they need both, and no other language.
func TestCatalogsComplete(t *testing.T) {
	ja, en := Messages("ja"), Messages("en")
	for _, l := range Offered {
		c := Messages(l)
		if c.Lang() != l {
			t.Errorf("%s: no catalog", l)
			continue
		}
		for k := range c.msgs {
			if !ja.Has(k) {
				t.Errorf("%s has %q but ja does not", l, k)
			}
		}
		for k := range ja.msgs {
			if !c.Has(k) && (!staffFacing(k) || l == "en") {
				t.Errorf("%s lacks %q", l, k)
			}
		}
		for k, v := range c.msgs {
			if err := verbsFit(v, ja.msgs[k], en.msgs[k]); err != nil {
				t.Errorf("%s %s: %v", l, k, err)
			}
		}
		if name := c.T("ui.lang_name"); l != "ja" && (name == ja.T("ui.lang_name") || name == "") {
			t.Errorf("%s: language name %q", l, name)
		}
	}
	if Messages("en-US").Lang() != "en" || Messages("xx").Lang() != "ja" || Messages("zh-Hant").Lang() != "zh-hant" {
		t.Fatal("language fallback")
	}
}

// staffFacing reports whether key is a text only staff read (Japanese and English only).
func staffFacing(key string) bool {
	return strings.HasPrefix(key, "operator.") || strings.HasPrefix(key, "counter.")
}

var verbPattern = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// verbs maps each argument index a text uses (1-based) to its verb letter.
func verbs(s string) (map[int]byte, error) {
	out := map[int]byte{}
	next := 1
	for _, m := range verbPattern.FindAllStringSubmatch(s, -1) {
		if m[4] == "%" {
			continue
		}
		i := next
		if m[2] != "" {
			fmt.Sscan(m[2], &i)
		}
		next = i + 1
		if v, ok := out[i]; ok && v != m[4][0] {
			return nil, fmt.Errorf("argument %d used as %%%c and %%%c", i, v, m[4][0])
		}
		out[i] = m[4][0]
	}
	return out, nil
}

// verbsFit checks a translation's verbs against the Japanese and English texts: it uses every
// argument both of them use (a translation must not drop the receipt number), none that
// neither uses, each with the same verb.
func verbsFit(text, ja, en string) error {
	got, err := verbs(text)
	if err != nil {
		return err
	}
	jv, _ := verbs(ja)
	ev, _ := verbs(en)
	for i, v := range got {
		want, ok := jv[i]
		if !ok {
			want, ok = ev[i]
		}
		if !ok {
			return fmt.Errorf("uses argument %d, which neither ja nor en uses", i)
		}
		if v != want {
			return fmt.Errorf("argument %d as %%%c, want %%%c", i, v, want)
		}
	}
	var missing []int
	for i := range jv {
		if _, both := ev[i]; both {
			if _, ok := got[i]; !ok {
				missing = append(missing, i)
			}
		}
	}
	sort.Ints(missing)
	if len(missing) > 0 {
		return fmt.Errorf("does not use argument(s) %v", missing)
	}
	return nil
}

func TestFontsAreTrueType(t *testing.T) {
	for _, l := range Offered {
		f := FontFor(l)
		// A TrueType font starts with 0x00010000 (or 'true'); a collection ('ttcf') crashes Fyne 2.8.
		if len(f.Data) < 4 || !(string(f.Data[:4]) == "\x00\x01\x00\x00" || string(f.Data[:4]) == "true") {
			t.Errorf("%s: font %s is not a single TrueType font: % x", l, f.Name, f.Data[:min(4, len(f.Data))])
		}
	}
}
