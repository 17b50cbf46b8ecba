// Package pin guards operator mode and staff overrides with a PIN: stored only as a slow
// argon2id hash, checked in constant time, locked for a while after repeated wrong tries.
package pin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/idbooth/idbooth/booth"
)

// argon2id parameters (OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane): about 22 ms a
// check here, too slow to try every 4–8 digit PIN from a stolen config file quickly, quick
// enough not to keep staff waiting.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	keyLen    = 32
	saltLen   = 16
)

// MinLength and MaxLength bound a PIN (digits only: it is typed on the kiosk's keypad).
const (
	MinLength = 4
	MaxLength = 12
)

// The lockout: after MaxTries wrong PINs in a row, no PIN is checked for Lockout.
const (
	MaxTries = 5
	Lockout  = 5 * time.Minute
)

// Errors of a check. Each names the message staff see (assets/i18n/*/ui.json).
var (
	ErrWrong   = booth.NewKind("wrong PIN", "ui.pin.wrong")
	ErrNoPIN   = booth.NewKind("no operator PIN is set up (idbooth pin)", "ui.pin.none")
	ErrBadHash = errors.New("pin: the stored PIN hash is not an argon2id hash")
)

// LockedError is a check refused because of too many wrong tries.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many wrong PINs: locked until %s", e.Until.Format(time.TimeOnly))
}

// MessageKey names the message staff see.
func (e *LockedError) MessageKey() string { return "ui.pin.locked" }

// Valid reports whether pin can be a PIN: MinLength to MaxLength digits.
func Valid(pin string) bool {
	return len(pin) >= MinLength && len(pin) <= MaxLength && strings.Trim(pin, "0123456789") == ""
}

// Hash returns the encoded argon2id hash of pin, with a fresh salt, in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$key).
func Hash(pin string) (string, error) {
	if !Valid(pin) {
		return "", fmt.Errorf("pin: want %d to %d digits", MinLength, MaxLength)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pin), salt, passes, memoryKiB, lanes, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, lanes,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

type params struct {
	memory    uint32
	passes    uint32
	lanes     uint8
	salt, key []byte
}

func parse(hash string) (params, error) {
	var p params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, ErrBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.passes, &p.lanes); err != nil {
		return p, ErrBadHash
	}
	var err1, err2 error
	p.salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	p.key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	// Bounds keep a tampered config file from making one check take minutes or gigabytes.
	if err1 != nil || err2 != nil || len(p.key) < 16 || len(p.key) > 64 || p.memory < 8 || p.memory > 256*1024 ||
		p.passes < 1 || p.passes > 10 || p.lanes < 1 || p.lanes > 4 {
		return p, ErrBadHash
	}
	return p, nil
}

// CheckHash reports whether pin matches hash, in constant time.
func CheckHash(hash, pin string) (bool, error) {
	p, err := parse(hash)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pin), p.salt, p.passes, p.memory, p.lanes, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// Lock checks PINs against one stored hash and locks after MaxTries wrong ones in a row. It is
// safe for concurrent use. The count lives in memory: restarting the kiosk needs the machine.
type Lock struct {
	mu    sync.Mutex
	hash  string
	now   func() time.Time
	fails int
	until time.Time
}

// NewLock guards hash ("" when no PIN is set up: every check fails with ErrNoPIN). now is the
// clock (nil: time.Now).
func NewLock(hash string, now func() time.Time) (*Lock, error) {
	if hash != "" {
		if _, err := parse(hash); err != nil {
			return nil, err
		}
	}
	if now == nil {
		now = time.Now
	}
	return &Lock{hash: hash, now: now}, nil
}

// SetHash replaces the PIN (operator settings) and clears the count.
func (l *Lock) SetHash(hash string) error {
	if _, err := parse(hash); err != nil {
		return err
	}
	l.mu.Lock()
	l.hash, l.fails, l.until = hash, 0, time.Time{}
	l.mu.Unlock()
	return nil
}

// CheckPIN returns nil for the right PIN, ErrWrong for a wrong one, *LockedError while locked
// (the PIN is not even checked then), ErrNoPIN when none is set up.
func (l *Lock) CheckPIN(pin string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Before(l.until) {
		return &LockedError{Until: l.until}
	}
	if l.hash == "" {
		return ErrNoPIN
	}
	ok, err := CheckHash(l.hash, pin)
	if err != nil {
		return err
	}
	if ok {
		l.fails = 0
		return nil
	}
	if l.fails++; l.fails >= MaxTries {
		l.fails, l.until = 0, now.Add(Lockout)
		return &LockedError{Until: l.until}
	}
	return ErrWrong
}
