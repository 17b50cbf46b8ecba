package slip

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/idbooth/idbooth/assets"
)

// lineBreak is a place where wrap broke a text: the characters either side, whether there was
// a space between them, and the space-separated piece of the text the break is in.
type lineBreak struct {
	before, after rune
	spaced        bool
	piece         string
}

// lineBreaks finds where lines, wrapped from text (single-spaced, one paragraph), broke it.
func lineBreaks(t *testing.T, text string, lines []string) []lineBreak {
	t.Helper()
	var out []lineBreak
	pos := 0
	for i, l := range lines {
		spaced := false
		for strings.HasPrefix(text[pos:], " ") {
			pos, spaced = pos+1, true
		}
		if !strings.HasPrefix(text[pos:], l) {
			t.Fatalf("line %d %q is not at %q", i, l, text[pos:])
		}
		if i > 0 {
			before, _ := utf8.DecodeLastRuneInString(text[:pos])
			if spaced {
				before, _ = utf8.DecodeLastRuneInString(strings.TrimRight(text[:pos], " "))
			}
			after, _ := utf8.DecodeRuneInString(text[pos:])
			start := strings.LastIndexByte(text[:pos], ' ') + 1
			end := strings.IndexByte(text[pos:], ' ')
			if end < 0 {
				end = len(text) - pos
			}
			out = append(out, lineBreak{before: before, after: after, spaced: spaced, piece: text[start : pos+end]})
		}
		pos += len(l)
	}
	if strings.TrimSpace(text[pos:]) != "" {
		t.Fatalf("text left after the lines: %q", text[pos:])
	}
	return out
}

func isWordLetter(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || isMark(r)) && !isBreakAnywhere(r)
}

// In every language: no line starts with a combining mark or closing punctuation, none ends
// with an opening bracket or a Thai leading vowel, and words of letters (Latin, Vietnamese,
// Hangul, Thai between spaces) are broken only when they cannot fit on a line of their own.
func TestWrapKeepsWordsAndMarksOfEveryLanguage(t *testing.T) {
	hanBreaks := map[string]int{}
	for _, lang := range assets.Languages() {
		c, face := assets.Messages(lang), typefaceFor(lang)
		for _, key := range slipKeys(t) {
			text := strings.Join(strings.Fields(c.T(key)), " ")
			for _, width := range []float64{60, 90, 150, 260} {
				lines := wrap(face, text, 10, width)
				for _, b := range lineBreaks(t, text, lines) {
					where := func() string { return fmt.Sprintf("%s %s @%v: %q|%q", lang, key, width, b.before, b.after) }
					if isMark(b.after) {
						t.Errorf("%s: line starts with a combining mark", where())
					}
					if strings.ContainsRune("、。，）」”ๆฯ", b.after) {
						t.Errorf("%s: line starts with closing punctuation", where())
					}
					if strings.ContainsRune("（「“", b.before) || isThaiLeadingVowel(b.before) {
						t.Errorf("%s: line ends with what opens the next", where())
					}
					if !b.spaced && isWordLetter(b.before) && isWordLetter(b.after) && textWidth(face, b.piece, 10) <= width {
						t.Errorf("%s: word broken though %q fits on a line", where(), b.piece)
					}
					if !b.spaced && unicode.Is(unicode.Han, b.before) && unicode.Is(unicode.Han, b.after) {
						hanBreaks[lang]++
					}
				}
			}
		}
	}
	// Chinese, like Japanese, breaks between ideographs.
	for _, lang := range []string{"ja", "zh-hans", "zh-hant"} {
		if assets.Messages(lang).Lang() == lang && hanBreaks[lang] == 0 {
			t.Errorf("%s: no line broke between two Han characters", lang)
		}
	}
}

// A Thai phrase too long for a line breaks between syllables where they are sure (before a
// leading vowel, after ะ, ำ or ์), never before a vowel or tone mark, and the phrases that fit
// stay whole.
func TestWrapThai(t *testing.T) {
	face := typefaceFor("th")
	long := "บัตรจะส่งถึงที่ว่าการเมืองหรือเขตที่ท่านอาศัยอยู่ในประมาณหนึ่งเดือนจากนั้นท่านจะได้รับหนังสือแจ้งการออกบัตร"
	for _, width := range []float64{40, 70, 120, 200} {
		lines := wrap(face, long, 10, width)
		if strings.Join(lines, "") != long {
			t.Fatalf("@%v: text changed: %q", width, lines)
		}
		if len(lines) < 2 {
			t.Fatalf("@%v: %q not broken", width, lines)
		}
		good := 0
		for i, l := range lines {
			if w := textWidth(face, l, 10); w > width && len(l) > firstCluster(l) {
				t.Errorf("@%v: line %q is %.1f wide", width, l, w)
			}
			if i == 0 {
				continue
			}
			prev, _ := utf8.DecodeLastRuneInString(lines[i-1])
			next, _ := utf8.DecodeRuneInString(l)
			if isMark(next) || isThaiLeadingVowel(prev) {
				t.Errorf("@%v: broken between %q and %q: %q", width, prev, next, lines)
			}
			after, _ := utf8.DecodeRuneInString(l[len(string(next)):])
			if breakBefore(prev, next, after) == 2 {
				good++
			}
		}
		t.Logf("@%v: %q", width, lines)
		if good < (len(lines)-1)/2 {
			t.Errorf("@%v: only %d of %d breaks between sure syllables: %q", width, good, len(lines)-1, lines)
		}
	}

	// Phrases that fit are not broken, even if a line ends up short.
	phrases := "บัตรจะส่งถึงที่ว่าการเมือง หรือเขตที่ท่านอาศัยอยู่ ในประมาณหนึ่งเดือน"
	for _, l := range wrap(face, phrases, 10, 100) {
		for _, p := range strings.Fields(l) {
			if !strings.Contains(" "+phrases+" ", " "+p+" ") {
				t.Errorf("phrase broken: %q", p)
			}
		}
	}
	// ๆ (repeat the word) never starts a line, even written after a space.
	for _, width := range []float64{30, 45, 60} {
		for _, l := range wrap(face, "เอกสารต่าง ๆ ที่ต้องนำมา", 10, width) {
			if strings.HasPrefix(l, "ๆ") {
				t.Errorf("@%v: line starts with ๆ", width)
			}
		}
	}
}

func TestBreakBeforeRatesThaiSyllables(t *testing.T) {
	for _, c := range []struct {
		s    string // prev, r and next
		want int
	}{
		{"ท่า", -1}, // before a tone mark
		{"เมื", -1}, // after a leading vowel
		{"ตๆ ", -1}, // before the repetition mark
		{"รเม", 2},  // before a leading vowel
		{"ะสม", 2},  // after sara a
		{"์กา", 2},  // after the silencing mark
		{"งที", 2},  // before a consonant with its vowel: ...ง|ที่...
		{"ปรั", 1},  // ร of the cluster ปร
		{"หนั", 1},  // after a silent ห
		{"อยู", 1},  // อยู่
		{"รกต", 1},
		{"มาณ", 0}, // before a following vowel
		{"อร์", 0}, // before a silenced consonant
		{"abc", 1},
		{"/ww", 2},
	} {
		r := []rune(c.s)
		if got := breakBefore(r[0], r[1], r[2]); got != c.want {
			t.Errorf("breakBefore in %q = %d, want %d", c.s, got, c.want)
		}
	}
}
