package pin_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/app/pin"
)

func TestHashAndCheck(t *testing.T) {
	h, err := pin.Hash("482916")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "482916") || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if h2, _ := pin.Hash("482916"); h2 == h {
		t.Fatal("two hashes of one PIN are equal: no salt")
	}
	for p, want := range map[string]bool{"482916": true, "482917": false, "": false, "4829160": false} {
		if ok, err := pin.CheckHash(h, p); ok != want || err != nil {
			t.Errorf("CheckHash(%q) = %v %v", p, ok, err)
		}
	}
	for _, bad := range []string{"123", "12345678901234", "12a4", ""} {
		if _, err := pin.Hash(bad); err == nil {
			t.Errorf("Hash(%q) accepted", bad)
		}
	}
	// A tampered hash asking for 4 GB of memory is refused, not run.
	huge := strings.Replace(h, "m=19456", "m=4194304", 1)
	if _, err := pin.CheckHash(huge, "482916"); !errors.Is(err, pin.ErrBadHash) {
		t.Fatalf("tampered hash: %v", err)
	}
}

func TestLockoutAfterFiveWrongTries(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	h, _ := pin.Hash("2468")
	l, err := pin.NewLock(h, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < pin.MaxTries; i++ {
		if err := l.CheckPIN("0000"); !errors.Is(err, pin.ErrWrong) {
			t.Fatalf("wrong try %d: %v", i, err)
		}
	}
	var locked *pin.LockedError
	if err := l.CheckPIN("0000"); !errors.As(err, &locked) || !locked.Until.Equal(now.Add(pin.Lockout)) {
		t.Fatalf("fifth wrong try: %v", err)
	}
	// Locked: even the right PIN is refused, without being checked.
	now = now.Add(pin.Lockout - time.Second)
	if err := l.CheckPIN("2468"); !errors.As(err, &locked) {
		t.Fatalf("right PIN while locked: %v", err)
	}
	now = now.Add(time.Second)
	if err := l.CheckPIN("2468"); err != nil {
		t.Fatalf("right PIN after the lockout: %v", err)
	}
	// A right PIN resets the count.
	for i := 1; i < pin.MaxTries; i++ {
		l.CheckPIN("1111")
	}
	l.CheckPIN("2468")
	if err := l.CheckPIN("1111"); !errors.Is(err, pin.ErrWrong) {
		t.Fatalf("count not reset by the right PIN: %v", err)
	}
	none, _ := pin.NewLock("", nil)
	if err := none.CheckPIN("2468"); !errors.Is(err, pin.ErrNoPIN) {
		t.Fatalf("no PIN set up: %v", err)
	}
}

func BenchmarkCheck(b *testing.B) {
	h, _ := pin.Hash("482916")
	for b.Loop() {
		pin.CheckHash(h, "482916")
	}
}
