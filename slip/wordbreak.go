package slip

import (
	"strings"
	"unicode/utf8"
)

// Breaking inside a word, for the few too long for a line. That is mostly Thai, which puts
// spaces between phrases but not between words: without a dictionary, the places that are
// surely between syllables are before a leading vowel (เ แ โ ใ ไ are written before the
// consonant they follow in speech), before a consonant that carries a vowel, and after ะ, ำ or
// the silencing mark ์, which end one. A break before a combining mark would put a tone mark or
// vowel at the start of a line with no consonant to sit on, so it never happens.

// breakWord cuts word into lines: the first at most first wide (it is "" when nothing fits
// there), the others at most width. It breaks at the best-rated place (breakBefore) that
// fills at least half the line, else at the last allowed place that fits. A single character
// wider than a line has a line of its own.
func breakWord(face *typeface, word string, size, first, width float64) []string {
	var out []string
	avail := first
	for word != "" {
		cut := bestBreak(face, word, size, avail)
		if cut == 0 {
			if len(out) == 0 && avail < width {
				out = append(out, "")
				avail = width
				continue
			}
			cut = firstCluster(word)
		}
		out = append(out, word[:cut])
		word = word[cut:]
		avail = width
	}
	return out
}

// bestBreak is where to end the line holding the start of s in avail: len(s) if all of it
// fits, 0 if no allowed break does.
func bestBreak(face *typeface, s string, size, avail float64) int {
	if textWidth(face, s, size) <= avail {
		return len(s)
	}
	var at [3]int // the last place of each rating that fits
	var fill [3]float64
	prev, i := utf8.DecodeRuneInString(s)
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+n:])
		w := textWidth(face, s[:i], size)
		if w > avail {
			break
		}
		if rate := breakBefore(prev, r, next); rate >= 0 {
			at[rate], fill[rate] = i, w
		}
		prev, i = r, i+n
	}
	for rate := 2; rate >= 0; rate-- {
		if at[rate] > 0 && fill[rate] >= avail/2 {
			return at[rate]
		}
	}
	return max(at[0], at[1], at[2])
}

// breakBefore rates a break between prev and r, followed by next: -1 never, 0 poor (likely
// inside a Thai syllable), 1 between characters, 2 surely between syllables or at a change of
// script. A Thai consonant that carries a vowel or tone mark starts a syllable, unless it is
// the second of a cluster (ร ล ว), follows a silent ห, or is the ย of อย.
func breakBefore(prev, r, next rune) int {
	switch {
	case isMark(r), r == ' ', prev == ' ', strings.ContainsRune(noLineStart, r), strings.ContainsRune(noLineEnd, prev),
		isThaiLeadingVowel(prev):
		return -1
	case isThaiLeadingVowel(r), strings.ContainsRune("ะำ์ๆฯ/-", prev), isThai(prev) != isThai(r):
		return 2
	case strings.ContainsRune("ะาำๅ", r), next == '์':
		return 0
	case isThaiConsonant(r) && (isMark(next) || strings.ContainsRune("ะาำ", next)) &&
		!strings.ContainsRune("รลว", r) && prev != 'ห' && !(prev == 'อ' && r == 'ย'):
		return 2
	}
	return 1
}

func isThai(r rune) bool             { return r >= 0x0E00 && r <= 0x0E7F }
func isThaiLeadingVowel(r rune) bool { return r >= 0x0E40 && r <= 0x0E44 }
func isThaiConsonant(r rune) bool    { return r >= 0x0E01 && r <= 0x0E2E }

// firstCluster is the length in bytes of the first character of s with its combining marks.
func firstCluster(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !isMark(r) {
			break
		}
		n += size
	}
	return n
}
