package slip

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line breaking for the slip's languages. A line may break between any two Han, kana or
// full-width characters (Japanese, Chinese) and at spaces (Latin scripts, Vietnamese, Korean:
// Hangul words are separated by spaces and stay whole); never inside a word, never before a
// combining mark (Thai vowels and tone marks, accents), and never so that closing punctuation
// starts a line or an opening bracket ends one (kinsoku shori, the basic rules). Thai puts
// spaces only between phrases: a phrase too long for a line is broken in it (wordbreak.go).

const (
	noLineStart = "、。，．,.・：；？！?!ー〜…‥）」』】〕〉》］｝)]}”’»ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々％%ๆฯ"
	noLineEnd   = "（「『【〔〈《［｛([{“‘«"
)

// wrap breaks text set in face into lines no wider than width when set at size. Newlines in
// text force a break. A single unbreakable piece wider than width is split between characters.
func wrap(face *typeface, text string, size, width float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, wrapParagraph(face, para, size, width)...)
	}
	return lines
}

// wrapParagraph breaks one paragraph, avoiding a last line of one or two characters (a lone
// "い。") by narrowing the measure a little when that keeps the number of lines.
func wrapParagraph(face *typeface, text string, size, width float64) []string {
	lines := greedyWrap(face, text, size, width)
	if n := len(lines); n > 1 && utf8.RuneCountInString(lines[n-1]) <= 2 {
		// Not so narrow that a word which fits the measure would have to be split.
		widest := 0.0
		for _, seg := range segments(text) {
			if w := textWidth(face, seg, size); w <= width {
				widest = max(widest, w)
			}
		}
		for narrower := width - size; narrower > width*0.8 && narrower >= widest; narrower -= size {
			if alt := greedyWrap(face, text, size, narrower); len(alt) == n && utf8.RuneCountInString(alt[n-1]) > 2 {
				return alt
			}
		}
	}
	return lines
}

func greedyWrap(face *typeface, text string, size, width float64) []string {
	var lines []string
	var line strings.Builder
	lineW := 0.0
	pendingSpace := false
	flush := func() {
		lines = append(lines, line.String())
		line.Reset()
		lineW, pendingSpace = 0, false
	}
	for _, seg := range segments(text) {
		if seg == " " {
			pendingSpace = line.Len() > 0
			continue
		}
		w := textWidth(face, seg, size)
		spaceW := 0.0
		if pendingSpace {
			spaceW = textWidth(face, " ", size)
		}
		if w > width {
			// Too long for any line (a Thai phrase, a URL on narrow paper): split it, starting on
			// this line when a fair part of it is left.
			first := width - lineW - spaceW
			if line.Len() > 0 && first < width/4 {
				flush()
				first, spaceW = width, 0
			}
			for i, p := range breakWord(face, seg, size, first, width) {
				if i > 0 {
					flush()
				}
				if p == "" { // only the first piece: nothing fitted on this line
					continue
				}
				if i == 0 && spaceW > 0 {
					line.WriteByte(' ')
					lineW += spaceW
				}
				line.WriteString(p)
				lineW += textWidth(face, p, size)
			}
			pendingSpace = false
			continue
		}
		if line.Len() > 0 && lineW+spaceW+w > width {
			flush()
			spaceW = 0
		}
		if spaceW > 0 {
			line.WriteByte(' ')
			lineW += spaceW
		}
		pendingSpace = false
		line.WriteString(seg)
		lineW += w
	}
	if line.Len() > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// segments cuts text into the pieces between break opportunities; a run of spaces becomes " ".
func segments(text string) []string {
	var segs []string
	var cur []rune
	curWord := false // cur is a run of letters (Latin, Hangul, Thai ...) that must stay whole
	glueNext := false
	emit := func() {
		if len(cur) > 0 {
			segs = append(segs, string(cur))
			cur, curWord = cur[:0:0], false
		}
	}
	// glueBack makes the last segment the start of cur; acrossSpace, with the space after it.
	glueBack := func(acrossSpace bool) {
		n := len(segs)
		if len(cur) > 0 || n == 0 {
			return
		}
		if segs[n-1] == " " {
			if n == 1 || !acrossSpace {
				return
			}
			cur = []rune(segs[n-2] + " ")
			segs = segs[:n-2]
			return
		}
		cur = []rune(segs[n-1])
		segs = segs[:n-1]
	}
	for _, r := range text {
		switch {
		case isMark(r):
			// A combining mark belongs to the character before it.
			glueBack(false)
			cur = append(cur, r)
		case curWord && (r < 0x80 || r == '’') && !unicode.IsSpace(r) && !strings.ContainsRune(noLineEnd, r):
			cur = append(cur, r) // "e.g.", "1,000", "10:00", "don’t" stay whole
		case unicode.IsSpace(r):
			emit()
			glueNext = false
			if len(segs) > 0 && segs[len(segs)-1] != " " {
				segs = append(segs, " ")
			}
		case strings.ContainsRune(noLineStart, r):
			// Stays with what precedes it; Thai's repetition marks even across the space before
			// them ("ต่าง ๆ").
			glueBack(r == 'ๆ' || r == 'ฯ')
			cur = append(cur, r)
			curWord = false
		case strings.ContainsRune(noLineEnd, r):
			if !glueNext {
				emit()
			}
			cur = append(cur, r)
			glueNext = true
		case isBreakAnywhere(r):
			if !glueNext {
				emit()
			}
			cur = append(cur, r)
			glueNext = false
			emit()
		default: // letters, digits and their punctuation: one word
			if !curWord && !glueNext {
				emit()
			}
			cur = append(cur, r)
			curWord, glueNext = true, false
		}
	}
	emit()
	if n := len(segs); n > 0 && segs[n-1] == " " {
		segs = segs[:n-1]
	}
	return segs
}

// isBreakAnywhere reports whether a line may break before and after r: the ideographic and
// kana scripts and full-width forms.
func isBreakAnywhere(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF60) || r == '※' || r == '■' || r == '・'
}

// isMark reports whether r is a combining mark, drawn over or under the character before it.
func isMark(r rune) bool {
	return r >= 0x300 && unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}
