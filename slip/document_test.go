package slip

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// A document's table runs on over pages; every cell reaches the PDF, numbers flush right.
func TestDocumentPDF(t *testing.T) {
	tb := &Table{Header: []string{"職員ID", "申請", "本人確認済み（郵送）"}, Numeric: []bool{false, true, true}}
	for i := 0; i < 120; i++ {
		tb.Rows = append(tb.Rows, []string{fmt.Sprintf("S%04d", i), fmt.Sprint(i * 3), fmt.Sprint(i)})
	}
	pdf, err := RenderDocumentPDF(Document{Title: "日計表 2026-11-30", Lang: "ja", Created: time.Now(),
		Parts: []Part{{Text: []string{"個人情報は含みません。"}}, {Heading: "係員別", Table: tb}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	os.WriteFile(path, pdf, 0o644)
	info, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	// 57 rows of 10 pt type fit an A4 page.
	if !regexp.MustCompile(`Pages:\s+3\n`).Match(info) {
		t.Errorf("pages: %s", info)
	}
	text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"日計表 2026-11-30", "係員別", "本人確認済み", `S0000 +0 +0\n`, `S0119 +357 +119\n`} {
		if !regexp.MustCompile(want).Match(text) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}
