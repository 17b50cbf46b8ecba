package qr

import (
	"sort"
	"strings"
	"time"
	"unicode"
)

// An InputSource says who typed an entry.
type InputSource int

const (
	SourcePerson  InputSource = iota // someone typing the ID by hand
	SourceScanner                    // a keyboard-wedge barcode reader (types the payload, then Enter)
)

func (s InputSource) String() string {
	if s == SourceScanner {
		return "scanner"
	}
	return "person"
}

// Timing that tells a barcode reader from a person: readers type a whole payload with a few
// milliseconds between keys; nobody types 8 keys with a median gap under 30 ms.
const (
	scannerMaxGap  = 30 * time.Millisecond
	scannerMinKeys = 8
	maxTyped       = MaxPayloadLength + 1 // more is kept out, and Enter reports too_long
	// DefaultStaleAfter: keys this long after the previous one start a new entry.
	DefaultStaleAfter = 30 * time.Second
)

// An Entry is what Enter yields: the validated result and who typed it.
type Entry struct {
	Result
	Source InputSource
}

// Keyboard collects the keys of a keyboard-wedge barcode reader or of a person typing the ID,
// and validates the text on Enter exactly as a scanned QR payload. Full-width (全角) digits,
// letters and dashes, as a Japanese input method types them, are normalised to ASCII. The UI
// feeds it key events; it has no UI types. Not safe for concurrent use.
type Keyboard struct {
	// StaleAfter: a key this long after the previous one starts a new entry (what was typed
	// before is left over from someone else, or a reader's partial read); 0 never does, for a
	// caller that forgets typed text itself (the kiosk wipes it when a session ends).
	StaleAfter time.Duration
	now        func() time.Time
	buf        []rune
	gaps       []time.Duration
	last       time.Time
	overflow   bool
}

// NewKeyboard returns a Keyboard reading time from now (time.Now when nil).
func NewKeyboard(now func() time.Time) *Keyboard {
	if now == nil {
		now = time.Now
	}
	return &Keyboard{now: now, StaleAfter: DefaultStaleAfter}
}

// Rune takes one typed character. Control characters are ignored (Enter is its own call).
func (k *Keyboard) Rune(r rune) {
	r = normaliseRune(r)
	if unicode.IsControl(r) {
		return
	}
	t := k.now()
	if len(k.buf) > 0 && k.StaleAfter > 0 && t.Sub(k.last) > k.StaleAfter {
		k.Clear() // left over from someone else (or a reader's partial read): not part of this entry
	}
	if len(k.buf) > 0 {
		k.gaps = append(k.gaps, t.Sub(k.last))
	}
	k.last = t
	if len(k.buf) >= maxTyped {
		k.overflow = true
		return
	}
	k.buf = append(k.buf, r)
}

// Backspace removes the last character.
func (k *Keyboard) Backspace() {
	if len(k.buf) > 0 {
		k.buf = k.buf[:len(k.buf)-1]
	}
	k.overflow = false
}

// Clear forgets everything typed.
func (k *Keyboard) Clear() {
	k.buf, k.gaps, k.overflow = k.buf[:0], k.gaps[:0], false
}

// Text is what has been typed so far, normalised (for the manual-entry field).
func (k *Keyboard) Text() string { return string(k.buf) }

// Digits counts the digits typed so far (for a "12 / 23" hint).
func (k *Keyboard) Digits() int {
	n := 0
	for _, r := range k.buf {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Source says who typed the current text, from the timing of the keys.
func (k *Keyboard) Source() InputSource {
	if len(k.gaps) < scannerMinKeys-1 {
		return SourcePerson
	}
	g := append([]time.Duration(nil), k.gaps...)
	sort.Slice(g, func(i, j int) bool { return g[i] < g[j] })
	if g[len(g)/2] <= scannerMaxGap {
		return SourceScanner
	}
	return SourcePerson
}

// Enter validates what was typed and clears it. A reader's text is validated as a QR payload
// exactly; a person's may also have stray spaces and hyphens anywhere between the digits.
func (k *Keyboard) Enter() Entry {
	src := k.Source()
	text, overflow := string(k.buf), k.overflow
	k.Clear()
	if overflow {
		return Entry{Result: Result{Err: reject(ReasonTooLong, "more than %d characters typed", MaxPayloadLength)}, Source: src}
	}
	if src == SourcePerson {
		return Entry{Result: validateTyped(text), Source: src}
	}
	return Entry{Result: Validate(text), Source: src}
}

// ValidateTyped validates an ID a person typed into a text field (the manual-entry screen):
// full-width characters are normalised first, and spaces and hyphens anywhere between the
// digits are allowed.
func ValidateTyped(text string) Result {
	rs := []rune(text)
	if len(rs) > maxTyped {
		return Result{Err: reject(ReasonTooLong, "more than %d characters typed", MaxPayloadLength)}
	}
	for i, r := range rs {
		rs[i] = normaliseRune(r)
	}
	return validateTyped(string(rs))
}

func validateTyped(text string) Result {
	if digits, ok := onlyDigitsAndSeparators(strings.TrimSpace(text)); ok {
		text = digits
	}
	return Validate(text)
}

// onlyDigitsAndSeparators returns s without spaces and hyphens if that leaves only digits.
func onlyDigitsAndSeparators(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == ' ' || c == '-':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// normaliseRune maps full-width ASCII (U+FF01–FF5E) to ASCII, the ideographic space to a
// space, and the dashes a Japanese keyboard produces (including the long-vowel mark ー that is
// often typed for a hyphen) to '-'.
func normaliseRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFF01 - 0x21
	case r == 0x3000:
		r = ' '
	case r == 0x30FC || r == 0x2212 || (r >= 0x2010 && r <= 0x2015) || r == 0xFF70:
		r = '-'
	}
	return r
}
