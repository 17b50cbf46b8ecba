package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// fillQueue enqueues n applications and returns their UUIDs.
func fillQueue(t *testing.T, s *storage.Store, n int) []string {
	t.Helper()
	var uuids []string
	for i := 0; i < n; i++ {
		a := storagetest.Application(i, smallPhoto)
		if err := s.Enqueue(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		uuids = append(uuids, a.UUID)
	}
	return uuids
}

func mustAllReadable(t *testing.T, s *storage.Store, uuids []string) {
	t.Helper()
	for _, u := range uuids {
		if a, err := s.Get(context.Background(), u); err != nil || !bytes.Equal(a.Photo, smallPhoto) {
			t.Fatalf("application %s lost: %v", u, err)
		}
	}
}

func TestWrongOrMissingKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir, nil)
	uuids := fillQueue(t, s, 3)
	s.Close()
	db, keyFile := filepath.Join(dir, "queue.db"), filepath.Join(dir, "queue.key")
	goodKey, _ := os.ReadFile(keyFile)

	_, err := storage.Open(ctx, storage.Config{Path: db, Key: bytes.Repeat([]byte{7}, 32)})
	if !errors.Is(err, storage.ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
	other := filepath.Join(dir, "other.key")
	os.WriteFile(other, []byte("not hex at all\n"), 0o600)
	if _, err := storage.Open(ctx, storage.Config{Path: db, KeyFile: other}); !errors.Is(err, storage.ErrWrongKey) {
		t.Fatalf("malformed key file: %v", err)
	}
	os.Chmod(keyFile, 0o644)
	if _, err := storage.Open(ctx, storage.Config{Path: db, KeyFile: keyFile}); !errors.Is(err, storage.ErrNoKey) {
		t.Fatalf("world-readable key file: %v", err)
	}
	os.Remove(keyFile)
	_, err = storage.Open(ctx, storage.Config{Path: db, KeyFile: keyFile})
	if !errors.Is(err, storage.ErrNoKey) {
		t.Fatalf("missing key: %v", err)
	}
	if _, statErr := os.Stat(keyFile); statErr == nil {
		t.Fatal("a missing key for a non-empty queue must not be replaced by a new one")
	}
	t.Logf("missing key reads: %v", err)

	// With the right key back, everything is there.
	os.WriteFile(keyFile, goodKey, 0o600)
	key, err := storage.ParseKey(goodKey)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := storage.Open(ctx, storage.Config{Path: db, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	mustAllReadable(t, s2, uuids)
}

func TestCorruptDatabaseFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "queue.db")
	garbage := bytes.Repeat([]byte("this is not an SQLite database. "), 512)
	os.WriteFile(db, garbage, 0o600)
	_, err := storage.Open(ctx, storage.Config{Path: db, KeyFile: filepath.Join(dir, "k")})
	if !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("garbage file: %v, want ErrCorrupt", err)
	}
	if b, _ := os.ReadFile(db); !bytes.Equal(b, garbage) {
		t.Fatal("opening a corrupt file changed it")
	}

	// A queue whose pages were damaged: the damage is reported as ErrCorrupt by the integrity
	// check and by reads that hit it, never silently skipped.
	dir2 := t.TempDir()
	s := openStore(t, dir2, nil)
	fillQueue(t, s, 20)
	s.Close() // checkpoints the WAL into the main file
	path := filepath.Join(dir2, "queue.db")
	b, _ := os.ReadFile(path)
	for i := 4096 * 3; i < len(b)-4096; i += 4096 {
		copy(b[i:i+64], bytes.Repeat([]byte{0xA5}, 64)) // clobber every page header past the schema
	}
	os.WriteFile(path, b, 0o600)
	s2, err := storage.Open(ctx, storage.Config{Path: path, KeyFile: filepath.Join(dir2, "queue.key")})
	if err != nil {
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Fatalf("damaged queue: %v, want ErrCorrupt", err)
		}
		t.Logf("open of damaged queue: %v", err)
		return
	}
	defer s2.Close()
	res, err := s2.IntegrityCheck(ctx)
	if err == nil && res == "ok" {
		t.Fatal("integrity check passed on a damaged file")
	}
	if _, err := s2.List(ctx, storage.Filter{}); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("reading damaged pages: %v, want ErrCorrupt", err)
	}
	t.Logf("integrity check of damaged queue: %.80s / %v", res, err)
}

func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key"), MaxPageCount: 200}
	s, err := storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	var fullErr error
	for i := 0; i < 100; i++ {
		a := storagetest.Application(i, smallPhoto)
		if err := s.Enqueue(ctx, a); err != nil {
			fullErr = err
			break
		}
		stored = append(stored, a.UUID)
	}
	if !errors.Is(fullErr, storage.ErrFull) || len(stored) == 0 {
		t.Fatalf("after %d applications: %v, want ErrFull", len(stored), fullErr)
	}
	t.Logf("%d applications fit; then: %v", len(stored), fullErr)
	// Updates still work on a full queue (the worker can mark entries sent).
	if err := s.MarkSlipPrinted(ctx, stored[0]); err != nil {
		t.Fatal(err)
	}
	mustAllReadable(t, s, stored)
	if st := storagetest.Stats(t, s); st.Pending != len(stored) {
		t.Fatalf("the failed enqueue left a trace: %+v", st)
	}
	s.Close()
	cfg.MaxPageCount = 0
	s, err = storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustAllReadable(t, s, stored)
	if err := s.Enqueue(ctx, storagetest.Application(999, smallPhoto)); err != nil {
		t.Fatalf("enqueue after space was freed: %v", err)
	}
	if res, err := s.IntegrityCheck(ctx); res != "ok" || err != nil {
		t.Fatalf("integrity: %s %v", res, err)
	}
}

func TestReopenKeepsDataAndMigrationsRunOnce(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, nil)
	uuids := fillQueue(t, s, 2)
	s.Close()
	s = openStore(t, dir, nil)
	mustAllReadable(t, s, uuids)
}
