package staff_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func open(t *testing.T, path string, c *clock) (*storage.Store, *staff.Directory) {
	t.Helper()
	s, err := storage.Open(context.Background(), storage.Config{Path: path,
		KeyFile: filepath.Join(filepath.Dir(path), "queue.key"), Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, staff.NewDirectory(s, c.now)
}

func TestSignInLockoutSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "queue.db")
	c := &clock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	s, d := open(t, path, c)
	if err := d.Add(ctx, "S0042", "窓口 花子", "520731"); err != nil {
		t.Fatal(err)
	}
	if err := d.Add(ctx, "S0042", "Someone else", "520732"); !errors.Is(err, staff.ErrExists) {
		t.Fatalf("second add of the same ID: %v, want ErrExists", err)
	}
	clerk, err := d.SignIn(ctx, "S0042", "520731")
	if err != nil || clerk != (staff.Clerk{ID: "S0042", Name: "窓口 花子"}) {
		t.Fatalf("sign in: %+v %v", clerk, err)
	}
	for i := 1; i < staff.MaxTries; i++ {
		if _, err := d.SignIn(ctx, "S0042", "000111"); !errors.Is(err, staff.ErrWrongPIN) {
			t.Fatalf("wrong PIN %d: %v, want ErrWrongPIN", i, err)
		}
	}
	// Restart between the 4th and 5th wrong PIN: the count is in the file.
	s.Close()
	s, d = open(t, path, c)
	_, err = d.SignIn(ctx, "S0042", "000111")
	var le *staff.LockedError
	if !errors.As(err, &le) || !errors.Is(err, staff.ErrLocked) || !le.Until.Equal(c.now().Add(staff.Lockout)) {
		t.Fatalf("5th wrong PIN: %v, want locked for %v", err, staff.Lockout)
	}
	// Locked: even the right PIN is refused, also after another restart.
	s.Close()
	s, d = open(t, path, c)
	if _, err := d.SignIn(ctx, "S0042", "520731"); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("right PIN while locked: %v", err)
	}
	c.add(staff.Lockout - time.Second)
	if _, err := d.SignIn(ctx, "S0042", "520731"); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("right PIN a second before the lock ends: %v", err)
	}
	c.add(time.Second)
	if _, err := d.SignIn(ctx, "S0042", "520731"); err != nil {
		t.Fatalf("right PIN when the lock ended: %v", err)
	}
	// A supervisor's enable ends a lockout at once.
	for i := 0; i < staff.MaxTries; i++ {
		d.SignIn(ctx, "S0042", "999888")
	}
	if _, err := d.SignIn(ctx, "S0042", "520731"); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("not locked again: %v", err)
	}
	if err := d.Enable(ctx, "S0042"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SignIn(ctx, "S0042", "520731"); err != nil {
		t.Fatalf("after enable: %v", err)
	}
	// A right PIN clears the count: four wrong, one right, four wrong is not a lockout.
	for round := 0; round < 2; round++ {
		for i := 1; i < staff.MaxTries; i++ {
			d.SignIn(ctx, "S0042", "999888")
		}
		if _, err := d.SignIn(ctx, "S0042", "520731"); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	res, err := s.VerifyAudit(ctx)
	if err != nil || !res.OK {
		t.Fatalf("audit: %+v %v", res, err)
	}
}

func TestDisabledAndUnknownLookAlike(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	s, d := open(t, filepath.Join(t.TempDir(), "queue.db"), c)
	if err := d.Add(ctx, "S1", "A", "246813"); err != nil {
		t.Fatal(err)
	}
	if err := d.Disable(ctx, "S1"); err != nil {
		t.Fatal(err)
	}
	_, errDisabled := d.SignIn(ctx, "S1", "246813")
	_, errUnknown := d.SignIn(ctx, "S2", "246813")
	_, errWrong := d.SignIn(ctx, "S1", "111112")
	for _, err := range []error{errDisabled, errUnknown, errWrong} {
		if !errors.Is(err, staff.ErrUnknownOrDisabled) {
			t.Errorf("%v, want ErrUnknownOrDisabled", err)
		}
	}
	// The screen shows the same words for an unknown ID and a wrong PIN.
	if staff.ErrUnknownOrDisabled.MessageKey() != staff.ErrWrongPIN.MessageKey() {
		t.Error("unknown ID and wrong PIN have different messages: that tells an ID exists")
	}
	if err := d.Disable(ctx, "nobody"); !errors.Is(err, staff.ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
	if err := d.Enable(ctx, "S1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SignIn(ctx, "S1", "246813"); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
	// The unknown ID typed is not in the log (it could be anything a person typed).
	es, err := s.AuditEntries(ctx, time.Time{}, c.now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range es {
		if e.Clerk == "S2" || e.Subject == "S2" {
			t.Errorf("unknown ID logged: %+v", e)
		}
		kinds = append(kinds, string(e.Kind)+":"+e.Clerk+":"+e.Detail)
	}
	want := []string{"staff_added::", "staff_disabled::", "sign_in_refused:S1:unknown_or_disabled",
		"sign_in_refused::unknown_or_disabled", "sign_in_refused:S1:unknown_or_disabled", "staff_enabled::", "sign_in:S1:"}
	if len(kinds) != len(want) {
		t.Fatalf("audit %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("audit entry %d is %s, want %s", i+1, kinds[i], want[i])
		}
	}
	if err := d.SignOut(ctx, staff.Clerk{ID: "S1"}, audit.SignOutIdle); err != nil {
		t.Fatal(err)
	}
}

func TestRules(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Now()}
	s, d := open(t, filepath.Join(t.TempDir(), "queue.db"), c)
	for _, tc := range []struct {
		id, name, pin string
		want          error
	}{
		{"S-1.a_b", "Name", "538204", nil},
		{"", "Name", "538204", staff.ErrBadID},
		{"S 1", "Name", "538204", staff.ErrBadID},
		{"山田", "Name", "538204", staff.ErrBadID},
		{"S1234567890123456789012345678901x", "Name", "538204", staff.ErrBadID},
		{"S2", " ", "538204", staff.ErrBadName},
		{"S2", "a\nb", "538204", staff.ErrBadName},
		{"S2", "Name", "53820", staff.ErrBadPIN},
		{"S2", "Name", "5382041234567", staff.ErrBadPIN},
		{"S2", "Name", "53820a", staff.ErrBadPIN},
		{"S2", "Name", "５３８２０４", staff.ErrBadPIN},
		{"S2", "Name", "777777", staff.ErrGuessablePIN},
		{"S2", "Name", "123456", staff.ErrGuessablePIN},
		{"S2", "Name", "987654321", staff.ErrGuessablePIN},
	} {
		if err := d.Add(ctx, tc.id, tc.name, tc.pin); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("Add(%q, %q, %q) = %v, want %v", tc.id, tc.name, tc.pin, err, tc.want)
		}
	}
	list, err := d.List(ctx)
	if err != nil || len(list) != 1 || list[0].ID != "S-1.a_b" {
		t.Fatalf("list: %+v %v", list, err)
	}
	// The hash is argon2id with its own salt: two staff with the same PIN have different hashes.
	if err := d.Add(ctx, "S3", "Other", "538204"); err != nil {
		t.Fatal(err)
	}
	a, _, _ := s.StaffRecord(ctx, "S-1.a_b")
	b, _, _ := s.StaffRecord(ctx, "S3")
	if a.PINHash == b.PINHash || a.PINHash[:10] != "$argon2id$" {
		t.Errorf("hashes %q and %q", a.PINHash, b.PINHash)
	}
	if err := d.SetPIN(ctx, "S3", "902467"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SignIn(ctx, "S3", "538204"); !errors.Is(err, staff.ErrWrongPIN) {
		t.Errorf("old PIN after SetPIN: %v", err)
	}
	if _, err := d.SignIn(ctx, "S3", "902467"); err != nil {
		t.Errorf("new PIN: %v", err)
	}
}

// BenchmarkSignIn: one right sign-in (an argon2id check and two small transactions).
func BenchmarkSignIn(b *testing.B) {
	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{Path: filepath.Join(b.TempDir(), "q.db"), KeyFile: filepath.Join(b.TempDir(), "k")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	d := staff.NewDirectory(s, nil)
	if err := d.Add(ctx, "S1", "A", "538204"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.SignIn(ctx, "S1", "538204"); err != nil {
			b.Fatal(err)
		}
	}
}

// Wrong PINs tried at once from several goroutines are all counted: the ID ends locked, and the
// audit log has one refusal for each try and stays a sound chain.
func TestConcurrentWrongPINs(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	s, d := open(t, filepath.Join(t.TempDir(), "queue.db"), c)
	if err := d.Add(ctx, "S1", "A", "538204"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < staff.MaxTries; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.SignIn(ctx, "S1", "111000")
		}()
	}
	wg.Wait()
	if _, err := d.SignIn(ctx, "S1", "538204"); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("after %d wrong PINs at once: %v, want locked", staff.MaxTries, err)
	}
	res, err := s.VerifyAudit(ctx)
	if err != nil || !res.OK || res.Entries != int64(1+staff.MaxTries+1) {
		t.Fatalf("audit: %+v %v", res, err)
	}
}

// Every error names a message the counter has in Japanese and English.
func TestMessages(t *testing.T) {
	for _, k := range []*booth.Kind{staff.ErrWrongPIN, staff.ErrUnknownOrDisabled, staff.ErrLocked, staff.ErrBadID,
		staff.ErrBadName, staff.ErrBadPIN, staff.ErrGuessablePIN, staff.ErrExists, staff.ErrNotFound} {
		for _, lang := range []string{"ja", "en"} {
			if !assets.Messages(lang).Has(k.MessageKey()) {
				t.Errorf("%s lacks %s (%v)", lang, k.MessageKey(), k)
			}
		}
	}
	if booth.MessageKey(&staff.LockedError{}) != staff.ErrLocked.MessageKey() {
		t.Error("LockedError's message")
	}
}
