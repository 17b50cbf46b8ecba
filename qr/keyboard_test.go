package qr

import (
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// fakeClock advances by step on every reading: the gap between two keys.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time { c.t = c.t.Add(c.step); return c.t }

func typeText(k *Keyboard, s string) {
	for _, r := range s {
		k.Rune(r)
	}
}

func TestKeyboardScanner(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0), step: 4 * time.Millisecond}
	k := NewKeyboard(clock.now)
	url := "https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?shinseiId=" + testID
	typeText(k, url)
	if k.Source() != SourceScanner {
		t.Fatal("4 ms between keys not taken for a scanner")
	}
	e := k.Enter()
	if !e.OK() || e.ID != testID || e.Source != SourceScanner || e.Raw != url {
		t.Fatalf("scanner entry = %+v", e)
	}
	if k.Text() != "" {
		t.Error("Enter did not clear")
	}
	// A reader's text is a QR payload: it gets the strict parser.
	typeText(k, "http://kojinbango-card.go.jp.account-verify.com/?shinseiId="+testID)
	if e := k.Enter(); e.OK() || ReasonOf(e.Err) != ReasonNotHTTPS {
		t.Errorf("phishing URL from a reader: %+v", e)
	}
	typeText(k, "0070--7305390250374060955")
	if e := k.Enter(); e.OK() || e.Source != SourceScanner {
		t.Errorf("a reader's malformed grouping accepted: %+v", e)
	}
}

func TestKeyboardPerson(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0), step: 350 * time.Millisecond}
	k := NewKeyboard(clock.now)
	// Full-width digits, an ideographic space and a long-vowel mark typed for a hyphen.
	typeText(k, "００７０　７３０５ー３９０２ 5037 4060 955x")
	k.Backspace()
	if k.Digits() != booth.FormIDLength {
		t.Fatalf("Digits = %d (text %q)", k.Digits(), k.Text())
	}
	if k.Text() != "0070 7305-3902 5037 4060 955" {
		t.Errorf("normalised text %q", k.Text())
	}
	e := k.Enter()
	if !e.OK() || e.ID != testID || e.Source != SourcePerson {
		t.Fatalf("person entry = %+v", e)
	}
	typeText(k, "0070  7305 3902 5037 4060 955 -") // stray separators are fine from a person
	if e := k.Enter(); !e.OK() || e.ID != testID {
		t.Errorf("stray separators: %+v", e)
	}
	typeText(k, "0070730539025037406095")
	if e := k.Enter(); ReasonOf(e.Err) != ReasonWrongLength {
		t.Errorf("22 digits: %+v", e)
	}
	if e := k.Enter(); ReasonOf(e.Err) != ReasonEmpty {
		t.Errorf("nothing typed: %+v", e)
	}
	k.Rune('\n')
	k.Rune('\t')
	if k.Text() != "" {
		t.Errorf("control characters kept: %q", k.Text())
	}
}

func TestKeyboardOverflow(t *testing.T) {
	k := NewKeyboard(nil)
	typeText(k, strings.Repeat("1", 5000))
	if len(k.Text()) > maxTyped {
		t.Fatalf("kept %d characters", len(k.Text()))
	}
	if e := k.Enter(); ReasonOf(e.Err) != ReasonTooLong {
		t.Errorf("overflow: %+v", e)
	}
}

func TestValidateTyped(t *testing.T) {
	const id = "12345678901234567890123"
	for _, in := range []string{
		id,
		"１２３４５６７８９０１２３４５６７８９０１２３",
		" 1234-5678 9012　3456ー7890 123 ",
		"123 45678901234567890123",
	} {
		if r := ValidateTyped(in); !r.OK() || string(r.ID) != id {
			t.Errorf("ValidateTyped(%q) = %+v", in, r)
		}
	}
	for in, want := range map[string]Reason{
		"1234567890123456789012":   ReasonWrongLength,
		"12345678901234567890123a": ReasonNotForm,
		"":                         ReasonEmpty,
	} {
		if r := ValidateTyped(in); ReasonOf(r.Err) != want {
			t.Errorf("ValidateTyped(%q): reason %q, want %q", in, ReasonOf(r.Err), want)
		}
	}
}

// A reader's partial read (no Enter) must not become the prefix of the next scan.
func TestKeyboardForgetsStaleKeys(t *testing.T) {
	now := time.Unix(0, 0)
	k := NewKeyboard(func() time.Time { return now })
	for _, r := range "https://net.koji" {
		k.Rune(r)
		now = now.Add(3 * time.Millisecond)
	}
	now = now.Add(time.Minute)
	for _, r := range "00707305390250374060955" {
		k.Rune(r)
		now = now.Add(3 * time.Millisecond)
	}
	if e := k.Enter(); !e.OK() || e.ID != "00707305390250374060955" || e.Source != SourceScanner {
		t.Fatalf("got %+v", e)
	}
}
