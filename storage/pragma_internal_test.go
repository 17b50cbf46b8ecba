package storage

import (
	"context"
	"path/filepath"
	"testing"
)

// The durability promise rests on these settings being in force on the connection that writes.
func TestConnectionPragmas(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), Config{Path: filepath.Join(dir, "q.db"), KeyFile: filepath.Join(dir, "k"), MaxPageCount: 5000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000",
		"secure_delete": "1", "max_page_count": "5000", "auto_vacuum": "2"}
	for pragma, v := range want {
		var got string
		if err := s.db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil || got != v {
			t.Errorf("PRAGMA %s = %q (%v), want %q", pragma, got, err, v)
		}
	}
}
