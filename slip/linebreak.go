package slip

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line breaking for mixed Japanese and Latin text: a line may break between any two Japanese
// characters and at spaces, never inside a Latin word, and never so that closing punctuation
// starts a line or an opening bracket ends one (kinsoku shori, the basic rules).

const (
	noLineStart = "、。，．,.・：；？！?!ー〜…‥）」』】〕〉》］｝)]}ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々％%"
	noLineEnd   = "（「『【〔〈《［｛([{"
)

// wrap breaks text into lines no wider than width when set at size. Newlines in text force a
// break. A single unbreakable piece wider than width is split between characters.
func wrap(text string, size, width float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, wrapParagraph(para, size, width)...)
	}
	return lines
}

// wrapParagraph breaks one paragraph, avoiding a last line of one or two characters (a lone
// "い。") by narrowing the measure a little when that keeps the number of lines.
func wrapParagraph(text string, size, width float64) []string {
	lines := greedyWrap(text, size, width)
	if n := len(lines); n > 1 && utf8.RuneCountInString(lines[n-1]) <= 2 {
		for narrower := width - size; narrower > width*0.8; narrower -= size {
			if alt := greedyWrap(text, size, narrower); len(alt) == n && utf8.RuneCountInString(alt[n-1]) > 2 {
				return alt
			}
		}
	}
	return lines
}

func greedyWrap(text string, size, width float64) []string {
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
		w := textWidth(seg, size)
		spaceW := 0.0
		if pendingSpace {
			spaceW = textWidth(" ", size)
		}
		if line.Len() > 0 && lineW+spaceW+w > width {
			flush()
			spaceW = 0
		}
		if line.Len() == 0 && w > width {
			// Too long for any line: split it between characters.
			for _, r := range seg {
				rw := textWidth(string(r), size)
				if line.Len() > 0 && lineW+rw > width {
					flush()
				}
				line.WriteRune(r)
				lineW += rw
			}
			continue
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
	curWord := false // cur is a run of Latin (non-breaking) characters
	glueNext := false
	emit := func() {
		if len(cur) > 0 {
			segs = append(segs, string(cur))
			cur, curWord = cur[:0:0], false
		}
	}
	for _, r := range text {
		switch {
		case curWord && r < 0x80 && !unicode.IsSpace(r) && !strings.ContainsRune(noLineEnd, r):
			cur = append(cur, r) // "e.g.", "1,000", "10:00" stay whole
		case unicode.IsSpace(r):
			emit()
			glueNext = false
			if len(segs) > 0 && segs[len(segs)-1] != " " {
				segs = append(segs, " ")
			}
		case strings.ContainsRune(noLineStart, r):
			// Stays with what precedes it.
			if len(cur) == 0 && len(segs) > 0 && segs[len(segs)-1] != " " {
				cur = []rune(segs[len(segs)-1])
				segs = segs[:len(segs)-1]
			}
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
		default: // Latin letters, digits and their punctuation: one word
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
