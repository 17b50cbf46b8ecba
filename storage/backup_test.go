package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// queueRows is every row of the tables the previous release's queue had, sealed values by hash:
// what an upgrade or a restore must keep.
const queueRows = `SELECT 'a', uuid, receipt, form_id_last4, booth_id, booth_name, lang, channel, card_mailed,
	photo_overridden, photo_size, created_at, purged_at, slip_state, slip_error, slip_printed_at, slip_reprints
	FROM applications
	UNION ALL SELECT 's', uuid, hex(personal), hex(photo), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL FROM sealed
	UNION ALL SELECT 'o', uuid, state, attempts, next_attempt_at, last_error, last_error_at, sent_at, created_at, purged,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM outbox
	UNION ALL SELECT 'm', name, hex(value), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL FROM meta
	ORDER BY 1, 2`

// history fills a queue as a booth would: 30 applications, sent, refused, retried, purged.
// It returns the applications as they were enqueued (personal data included), by UUID.
func history(t *testing.T, s *storage.Store, c *clock) map[string]*booth.Application {
	t.Helper()
	ctx := context.Background()
	apps := map[string]*booth.Application{}
	for i := 0; i < 30; i++ {
		a := storagetest.Application(i, storagetest.Photo(600, 800, i, 1))
		if err := s.Enqueue(ctx, a); err != nil {
			t.Fatal(err)
		}
		apps[a.UUID] = a
		c.Add(time.Hour)
	}
	claimed, err := s.ClaimDue(ctx, 20, time.Minute)
	if err != nil || len(claimed) != 20 {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	for i, cl := range claimed {
		switch {
		case i < 15:
			err = s.MarkSent(ctx, cl.UUID)
		case i < 17:
			err = s.MarkFailed(ctx, cl.UUID, "intake: 409 Conflict")
		default:
			err = s.MarkRetry(ctx, cl.UUID, c.Now().Add(time.Hour), "intake: 503")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	c.Add(booth.DefaultRetention + time.Hour)
	if n, err := s.Purge(ctx, booth.DefaultRetention); n != 15 || err != nil {
		t.Fatalf("purge: %d %v", n, err)
	}
	return apps
}

// sameApplications checks that every application is in s as it was enqueued (or purged, if
// purged says so).
func sameApplications(t *testing.T, s *storage.Store, apps map[string]*booth.Application, purged map[string]bool) {
	t.Helper()
	for u, want := range apps {
		got, err := s.Get(context.Background(), u)
		switch {
		case purged[u] && errors.Is(err, storage.ErrPurged):
		case purged[u] || err != nil:
			t.Fatalf("%s: %v (purged %v)", u, err, purged[u])
		case got.FormID != want.FormID || got.BirthDate != want.BirthDate || got.Options != want.Options ||
			!bytes.Equal(got.Photo, want.Photo) || got.Receipt != want.Receipt:
			t.Fatalf("%s changed", u)
		}
	}
}

func backups(t *testing.T, queue string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(storage.BackupDir(queue), "*"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestUpgradeBacksUpAndMigrates (issue 15): a queue written by the previous release (every
// migration but the newest, no application_id) is backed up with the backup API into backup/
// beside it, then migrated by this one with every application intact; the backup holds the
// queue as it was and opens with the same key. A queue of a newer schema is refused, untouched.
func TestUpgradeBacksUpAndMigrates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := newClock()
	cfg := storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key"), Now: c.Now}

	all, usePrevious := storage.UsePreviousSchema()
	s, err := storage.Open(ctx, cfg)
	if err != nil {
		usePrevious()
		t.Fatal(err)
	}
	apps := history(t, s, c)
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	purged := map[string]bool{}
	for u := range apps {
		if _, err := s.Get(ctx, u); errors.Is(err, storage.ErrPurged) {
			purged[u] = true
		}
	}
	s.Close()
	usePrevious()
	old := rawDB(t, cfg.Path)
	// The previous release did not mark its queues.
	if _, err := old.Exec("PRAGMA application_id = 0"); err != nil {
		t.Fatal(err)
	}
	rows := dumpRows(t, old, queueRows)
	var n int
	old.QueryRow("SELECT COUNT(*) FROM migrations").Scan(&n)
	old.Close()
	if n != len(all)-1 || len(purged) != 15 || len(backups(t, cfg.Path)) != 0 {
		t.Fatalf("the old queue: %d migrations, %d purged, backups %v", n, len(purged), backups(t, cfg.Path))
	}

	s, err = storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Stats(ctx)
	if err != nil || after != before {
		t.Fatalf("stats after the upgrade\n got %+v %v\nwant %+v", after, err, before)
	}
	sameApplications(t, s, apps, purged)
	s.Close()
	db := rawDB(t, cfg.Path)
	db.QueryRow("SELECT COUNT(*) FROM migrations").Scan(&n)
	if n != len(all) || pragmaInt(t, db, "application_id") != storage.ApplicationID {
		t.Fatalf("after the upgrade: %d migrations of %d, application_id %#x", n, len(all), pragmaInt(t, db, "application_id"))
	}
	if got := dumpRows(t, db, queueRows); !reflect.DeepEqual(got, rows) {
		t.Fatalf("the upgrade changed the rows:\n%s", diffLines(rows, got))
	}
	db.Close()

	// The backup is the queue as the previous release left it, encrypted with the same key.
	bs := backups(t, cfg.Path)
	if len(bs) != 1 || !strings.Contains(filepath.Base(bs[0]), "before-upgrade") {
		t.Fatalf("backups: %v", bs)
	}
	if fi, err := os.Stat(bs[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(storage.BackupDir(cfg.Path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("backup directory: %v %v", fi.Mode(), err)
	}
	bdb := rawDB(t, bs[0])
	bdb.QueryRow("SELECT COUNT(*) FROM migrations").Scan(&n)
	if got := dumpRows(t, bdb, queueRows); n != len(all)-1 || !reflect.DeepEqual(got, rows) {
		t.Fatalf("the backup: %d migrations; rows:\n%s", n, diffLines(rows, got))
	}
	var check, mode string
	if bdb.QueryRow("PRAGMA quick_check").Scan(&check); check != "ok" {
		t.Fatalf("quick_check of the backup: %q", check)
	}
	if bdb.QueryRow("PRAGMA journal_mode").Scan(&mode); mode != "delete" {
		t.Fatalf("the backup's journal mode is %q: it needs a WAL beside it", mode)
	}
	bdb.Close()

	// Opened again: nothing to migrate, no backup.
	s, err = storage.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got := backups(t, cfg.Path); len(got) != 1 {
		t.Fatalf("a second open made a backup: %v", got)
	}

	// A newer idbooth migrated it further: this one refuses it and changes nothing.
	db = rawDB(t, cfg.Path)
	if _, err := db.Exec(`INSERT INTO migrations (name) VALUES ('migration/9999_from_a_newer_release.sql')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	newer := fileHash(t, cfg.Path)
	for _, mustExist := range []bool{false, true} {
		cfg.MustExist = mustExist
		_, err = storage.Open(ctx, cfg)
		if !errors.Is(err, storage.ErrNewerSchema) || !strings.Contains(err.Error(), "9999_from_a_newer_release") ||
			booth.MessageKey(err) != "queue.error.cannot_open" {
			t.Fatalf("newer schema: %v", err)
		}
	}
	if fileHash(t, cfg.Path) != newer || len(backups(t, cfg.Path)) != 1 {
		t.Fatal("the newer queue was changed or backed up")
	}
	t.Logf("%v", err)
}

// TestBackupsKeepTheLastThree: the backups before upgrades do not fill the disk.
func TestBackupsKeepTheLastThree(t *testing.T) {
	c := newClock()
	s := openStore(t, t.TempDir(), c)
	fillQueue(t, s, 2)
	var made []string
	for i := 0; i < 5; i++ {
		b, err := s.BackupBeforeUpgrade(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, b)
		c.Add(time.Minute)
	}
	if got := backups(t, s.Path()); !slices.Equal(got, made[2:]) {
		t.Fatalf("kept %v, want the last three of %v", got, made)
	}
}

// TestBackupAndRestore: an operator's backup (taken while the queue is in use) restores the
// queue as it was, with the key; the queue it replaces is kept in backup/. A wrong key, a file
// that is not a queue, a damaged backup or a target that is not a queue restore nothing.
func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := newClock()
	s := openStore(t, dir, c)
	cfg := storage.Config{Path: s.Path(), KeyFile: filepath.Join(dir, "queue.key"), Now: c.Now}
	apps := history(t, s, c)
	purged := map[string]bool{}
	for u := range apps {
		if _, err := s.Get(ctx, u); errors.Is(err, storage.ErrPurged) {
			purged[u] = true
		}
	}
	out := filepath.Join(t.TempDir(), "queue-backup.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); !errors.Is(err, storage.ErrExists) {
		t.Fatalf("a second backup over the first: %v", err)
	}
	// The backup stays encrypted: no form ID or photo in clear.
	raw, _ := os.ReadFile(out)
	for _, a := range apps {
		if bytes.Contains(raw, []byte(a.FormID)) || bytes.Contains(raw, a.Photo[:64]) {
			t.Fatal("the backup holds personal data in clear")
		}
	}
	// After the backup: a new application, a requeue.
	extra := storagetest.Application(99, smallPhoto)
	if err := s.Enqueue(ctx, extra); err != nil {
		t.Fatal(err)
	}
	s.Requeue(ctx)
	wantStats, _ := storage.Open(ctx, storage.Config{Path: out, KeyFile: cfg.KeyFile, Now: c.Now, MustExist: true})
	if wantStats == nil {
		t.Fatal("the backup does not open as a queue")
	}
	want, _ := wantStats.Stats(ctx)
	wantStats.Close()
	backupHash := fileHash(t, out)

	// Refusals first: each leaves the queue (in use) and the backup as they are.
	liveBefore := dumpRows(t, rawDB(t, cfg.Path), queueRows)
	wrong := cfg
	wrong.KeyFile, wrong.Key = "", bytes.Repeat([]byte{7}, storage.KeySize)
	noKey := cfg
	noKey.KeyFile = filepath.Join(dir, "missing.key")
	foreign := filepath.Join(t.TempDir(), "notes.db")
	sqliteFile(t, foreign, `CREATE TABLE notes (body TEXT)`)
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	b, _ := os.ReadFile(out)
	for i := 4096 * 3; i < len(b); i += 4096 {
		copy(b[i:i+64], bytes.Repeat([]byte{0xA5}, 64))
	}
	os.WriteFile(damaged, b, 0o600)
	for _, r := range []struct {
		name string
		cfg  storage.Config
		src  string
		kind error
	}{
		{"wrong key", wrong, out, storage.ErrWrongKey},
		{"no key", noKey, out, storage.ErrNoKey},
		{"another application's file", cfg, foreign, storage.ErrNotQueue},
		{"a damaged backup", cfg, damaged, storage.ErrCorrupt},
		{"no backup", cfg, filepath.Join(dir, "nope.db"), storage.ErrUnavailable},
	} {
		if _, err := storage.Restore(ctx, r.cfg, r.src); !errors.Is(err, r.kind) {
			t.Errorf("%s: %v, want %v", r.name, err, r.kind)
		} else {
			t.Logf("%s: %v", r.name, err)
		}
	}
	if got := dumpRows(t, rawDB(t, cfg.Path), queueRows); !reflect.DeepEqual(got, liveBefore) || len(backups(t, cfg.Path)) != 0 {
		t.Fatal("a refused restore changed the queue or made a backup")
	}
	if _, err := os.Stat(noKey.KeyFile); err == nil {
		t.Fatal("a restore created a key")
	}

	// The restore, while the store is open: it reads the restored queue.
	saved, err := storage.Restore(ctx, cfg, out)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Stats(ctx); err != nil || got != want {
		t.Fatalf("stats after the restore\n got %+v %v\nwant %+v", got, err, want)
	}
	sameApplications(t, s, apps, purged)
	if _, err := s.Get(ctx, extra.UUID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the application queued after the backup: %v", err)
	}
	if fileHash(t, out) != backupHash {
		t.Fatal("the restore changed the backup")
	}
	// The replaced queue is in backup/, with the application queued after the backup.
	if bs := backups(t, cfg.Path); len(bs) != 1 || bs[0] != saved || !strings.Contains(saved, "before-restore") {
		t.Fatalf("backups %v, saved %s", bs, saved)
	}
	prev, err := storage.Open(ctx, storage.Config{Path: saved, KeyFile: cfg.KeyFile, Now: c.Now, MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prev.Get(ctx, extra.UUID); err != nil {
		t.Fatalf("the replaced queue lost an application: %v", err)
	}
	prev.Close()
	s.Close()
	if ok, err := reopen(t, cfg).IntegrityCheck(ctx); ok != "ok" || err != nil {
		t.Fatalf("integrity after the restore: %s %v", ok, err)
	}

	// Where no queue is (lost with its disk), the restore makes one; where something else is,
	// nothing happens.
	fresh := cfg
	fresh.Path = filepath.Join(t.TempDir(), "new", "queue.db")
	if saved, err := storage.Restore(ctx, fresh, out); err != nil || saved != "" {
		t.Fatalf("restore to a new path: %q %v", saved, err)
	}
	sameApplications(t, reopen(t, fresh), apps, purged)
	notQueue := cfg
	notQueue.Path = foreign
	h := fileHash(t, foreign)
	if _, err := storage.Restore(ctx, notQueue, out); !errors.Is(err, storage.ErrNotQueue) || fileHash(t, foreign) != h {
		t.Fatalf("restore over another application's file: %v", err)
	}
}

func reopen(t *testing.T, cfg storage.Config) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
