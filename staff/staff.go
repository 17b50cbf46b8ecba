// Package staff is the counter's staff directory: who may sign in, with a staff ID and a PIN.
//
// PINs are kept only as argon2id hashes (app/pin: a per-record random salt, the parameters
// stored with the hash, a constant-time compare). After MaxTries wrong PINs in a row a staff ID
// is locked for Lockout; the count and the lock are in the database, so restarting the
// program does not reset them. A lockout ends when Lockout has passed, or earlier when a
// supervisor runs `idbooth staff enable ID`. A disabled staff ID cannot sign in.
//
// A refusal does not tell whether an ID exists: an unknown ID and a disabled one give
// ErrUnknownOrDisabled after the same slow hash a known one costs, and the UI shows one message
// for it and for ErrWrongPIN. (A lockout does show that an ID exists, after MaxTries tries.)
//
// Every sign-in, refusal, sign-out and change of the directory is recorded in the audit log in
// the same transaction as the change itself.
package staff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/idbooth/idbooth/app/pin"
	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
)

// Clerk is a signed-in member of staff.
type Clerk struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Record is a staff directory entry. PINHash is the argon2id hash (never the PIN).
type Record struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	PINHash  string    `json:"-"`
	Disabled bool      `json:"disabled"`
	Failures int       `json:"failures"`              // wrong PINs in a row
	Locked   time.Time `json:"locked_until,omitzero"` // zero: not locked
	Created  time.Time `json:"created"`
}

// The lockout.
const (
	MaxTries = 5
	Lockout  = 15 * time.Minute
)

// Staff PINs: digits (a USB keypad at the counter), MinPINLength to MaxPINLength of them, not
// one digit repeated nor a run (booth.GuessableDigits).
const (
	MinPINLength = 6
	MaxPINLength = pin.MaxLength
)

// MaxIDBytes and MaxNameBytes bound a staff ID (ASCII letters, digits, '.', '_', '-') and a name.
const (
	MaxIDBytes   = 32
	MaxNameBytes = 100
)

// Errors. Each names the message staff see (assets/i18n/*/counter.json). ErrWrongPIN and
// ErrUnknownOrDisabled name the same message on purpose.
var (
	ErrWrongPIN          = booth.NewKind("staff: wrong PIN", "counter.staff.refused")
	ErrUnknownOrDisabled = booth.NewKind("staff: unknown or disabled staff ID", "counter.staff.refused")
	ErrLocked            = booth.NewKind("staff: locked after too many wrong PINs", "counter.staff.locked")
	ErrBadID             = booth.NewKind("staff: a staff ID is 1–32 letters, digits, '.', '_' or '-'", "counter.staff.bad_id")
	ErrBadName           = booth.NewKind("staff: a name is 1–100 bytes of text", "counter.staff.bad_name")
	ErrBadPIN            = booth.NewKind("staff: a staff PIN is 6–12 digits", "counter.staff.bad_pin")
	ErrGuessablePIN      = booth.NewKind("staff: PIN is one digit repeated or a run of digits", "counter.staff.guessable_pin")
	ErrExists            = booth.NewKind("staff: staff ID already exists", "counter.staff.exists")
	ErrNotFound          = booth.NewKind("staff: no such staff ID", "counter.staff.not_found")
)

// LockedError is ErrLocked with the time the lock ends.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("%v until %s", ErrLocked, e.Until.Format(time.RFC3339))
}
func (e *LockedError) Unwrap() error      { return ErrLocked }
func (e *LockedError) MessageKey() string { return ErrLocked.MessageKey() }

// Store keeps the directory (storage.Store implements it). Each change also appends ev to the
// audit log, in the same transaction.
type Store interface {
	// InsertStaff adds r; it fails with an error wrapping ErrExists when the ID is taken.
	InsertStaff(ctx context.Context, r Record, ev audit.Event) error
	// StaffRecord returns the record of id; found is false when there is none.
	StaffRecord(ctx context.Context, id string) (r Record, found bool, err error)
	ListStaff(ctx context.Context) ([]Record, error)
	// UpdateStaff sets disabled, the PIN hash (when not "") and clears the failures and lock;
	// found is false when there is no such ID.
	UpdateStaff(ctx context.Context, id string, disabled bool, pinHash string, ev audit.Event) (found bool, err error)
	// StaffFailed counts a wrong PIN: failures+1, and when that reaches max, failures 0 and
	// locked until lockUntil. It returns the new lock (zero if none).
	StaffFailed(ctx context.Context, id string, max int, lockUntil time.Time, ev audit.Event) (locked time.Time, err error)
	// StaffSignedIn clears the failures.
	StaffSignedIn(ctx context.Context, id string, ev audit.Event) error
	// Audit appends ev alone.
	Audit(ctx context.Context, ev audit.Event) error
}

// Directory is the staff directory over a Store.
type Directory struct {
	store Store
	now   func() time.Time
}

// NewDirectory returns the directory kept in store; now is the clock (nil: time.Now).
func NewDirectory(store Store, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{store: store, now: now}
}

// ValidID reports whether id can be a staff ID.
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDBytes {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// CheckPIN applies the staff PIN rules.
func CheckPIN(p string) error {
	if len(p) < MinPINLength || len(p) > MaxPINLength || strings.Trim(p, "0123456789") != "" {
		return ErrBadPIN
	}
	if booth.GuessableDigits(p) {
		return ErrGuessablePIN
	}
	return nil
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" || len(name) > MaxNameBytes || !utf8.ValidString(name) ||
		strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return ErrBadName
	}
	return nil
}

// Add adds a member of staff who may sign in with pin.
func (d *Directory) Add(ctx context.Context, id, name, p string) error {
	if !ValidID(id) {
		return ErrBadID
	}
	name = strings.TrimSpace(name)
	if err := checkName(name); err != nil {
		return err
	}
	if err := CheckPIN(p); err != nil {
		return err
	}
	h, err := pin.Hash(p)
	if err != nil {
		return err
	}
	r := Record{ID: id, Name: name, PINHash: h, Created: d.now().UTC()}
	return d.store.InsertStaff(ctx, r, audit.Event{Kind: audit.StaffAdded, Subject: id})
}

// Disable stops id from signing in (the record and its history stay).
func (d *Directory) Disable(ctx context.Context, id string) error {
	return d.update(ctx, id, true, "", audit.StaffDisabled)
}

// Enable lets a disabled or locked-out id sign in again (a supervisor's act).
func (d *Directory) Enable(ctx context.Context, id string) error {
	return d.update(ctx, id, false, "", audit.StaffEnabled)
}

// SetPIN gives id a new PIN (a forgotten one); it also ends a lockout.
func (d *Directory) SetPIN(ctx context.Context, id, p string) error {
	if err := CheckPIN(p); err != nil {
		return err
	}
	r, found, err := d.store.StaffRecord(ctx, id)
	if err != nil {
		return err
	}
	if !found {
		return ErrNotFound
	}
	h, err := pin.Hash(p)
	if err != nil {
		return err
	}
	return d.update(ctx, id, r.Disabled, h, audit.StaffPINSet)
}

func (d *Directory) update(ctx context.Context, id string, disabled bool, hash string, k audit.Kind) error {
	if !ValidID(id) {
		return ErrBadID
	}
	found, err := d.store.UpdateStaff(ctx, id, disabled, hash, audit.Event{Kind: k, Subject: id})
	if err != nil {
		return err
	}
	if !found {
		return ErrNotFound
	}
	return nil
}

// List returns the directory, by staff ID.
func (d *Directory) List(ctx context.Context) ([]Record, error) { return d.store.ListStaff(ctx) }

// Reasons of a refused sign-in, in the audit log.
const (
	refusedWrongPIN = "wrong_pin"
	refusedLocked   = "locked"
	refusedUnknown  = "unknown_or_disabled"
)

// SignIn checks id and pin and returns the clerk. It fails with ErrWrongPIN,
// ErrUnknownOrDisabled or a *LockedError (errors.Is(err, ErrLocked)); a locked ID's PIN is not
// even checked. It takes about as long (one argon2id hash) whichever way it ends.
func (d *Directory) SignIn(ctx context.Context, id, p string) (Clerk, error) {
	now := d.now()
	var r Record
	found := false
	if ValidID(id) {
		var err error
		if r, found, err = d.store.StaffRecord(ctx, id); err != nil {
			return Clerk{}, err
		}
	}
	if !found || r.Disabled {
		// The same work as a real check, so the time taken does not tell the ID exists.
		_, _ = pin.CheckHash(dummyHash(), p)
		ev := audit.Event{Kind: audit.SignInRefused, Detail: refusedUnknown}
		if found {
			ev.Clerk = id // a known (disabled) ID is staff's, not a resident's: it may be logged
		}
		if err := d.store.Audit(ctx, ev); err != nil {
			return Clerk{}, err
		}
		return Clerk{}, ErrUnknownOrDisabled
	}
	if now.Before(r.Locked) {
		_, _ = pin.CheckHash(dummyHash(), p)
		if err := d.store.Audit(ctx, audit.Event{Kind: audit.SignInRefused, Clerk: id, Detail: refusedLocked}); err != nil {
			return Clerk{}, err
		}
		return Clerk{}, &LockedError{Until: r.Locked}
	}
	ok, err := pin.CheckHash(r.PINHash, p)
	if err != nil {
		return Clerk{}, err
	}
	if !ok {
		locked, err := d.store.StaffFailed(ctx, id, MaxTries, now.Add(Lockout),
			audit.Event{Kind: audit.SignInRefused, Clerk: id, Detail: refusedWrongPIN})
		if err != nil {
			return Clerk{}, err
		}
		if !locked.IsZero() {
			return Clerk{}, &LockedError{Until: locked}
		}
		return Clerk{}, ErrWrongPIN
	}
	if err := d.store.StaffSignedIn(ctx, id, audit.Event{Kind: audit.SignIn, Clerk: id}); err != nil {
		return Clerk{}, err
	}
	return Clerk{ID: r.ID, Name: r.Name}, nil
}

// SignOut records that c signed out; why is audit.SignOutManual or audit.SignOutIdle.
func (d *Directory) SignOut(ctx context.Context, c Clerk, why string) error {
	if c.ID == "" {
		return errors.New("staff: sign-out without a clerk")
	}
	return d.store.Audit(ctx, audit.Event{Kind: audit.SignOut, Clerk: c.ID, Detail: why})
}

var dummy struct {
	once sync.Once
	hash string
}

// dummyHash is a hash with the current parameters whose result is never used, made once.
func dummyHash() string {
	dummy.once.Do(func() {
		h, err := pin.Hash("000000000000")
		if err != nil {
			panic(err)
		}
		dummy.hash = h
	})
	return dummy.hash
}
