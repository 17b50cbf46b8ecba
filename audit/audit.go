// Package audit is the counter's audit trail: what happened (a sign-in, an application, a
// clerk's override ...), when, by which clerk, to which application — and never personal data in
// clear. Entries form a hash chain: each entry's hash is SHA-256 over the previous entry's hash
// and the entry's canonical encoding, so a deleted, edited or reordered entry breaks the chain
// and Verifier finds it.
//
// What the chain does not do: someone who can write the database file can also recompute every
// hash after the entry they changed, and the chain verifies again. The chain catches accidents,
// careless edits and deletions with plain tools; against a deliberate forger, compare the head
// (sequence number and hash) with a copy kept elsewhere — the day report (`idbooth report`)
// prints the head, so the office's printed reports anchor the chain up to each day's end.
//
// The store (storage/audit.go) keeps the entries; this package owns the rules: the kinds, the
// canonical encoding, the hash and the verification.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// A Kind is what an entry records. Kinds are stable: they are hashed and stored.
type Kind string

const (
	SignIn        Kind = "sign_in"         // a clerk signed in
	SignInRefused Kind = "sign_in_refused" // Detail: wrong_pin, locked, unknown_or_disabled; Clerk only for a known ID
	SignOut       Kind = "sign_out"        // Detail: why (SignOutManual, SignOutIdle)
	Application   Kind = "application"     // Subject: the application's UUID; Detail: "verified" when identity was verified
	Override      Kind = "override"        // Subject: the application's UUID; Detail: the clerk's reason code
	Reprint       Kind = "reprint"         // Subject: the application's UUID
	Export        Kind = "export"          // Detail: what was exported (a report's day, ...)
	StaffAdded    Kind = "staff_added"     // Subject: the staff ID
	StaffDisabled Kind = "staff_disabled"  // Subject: the staff ID
	StaffEnabled  Kind = "staff_enabled"   // Subject: the staff ID (also ends a lockout)
	StaffPINSet   Kind = "staff_pin_set"   // Subject: the staff ID
)

// Kinds lists every Kind.
var Kinds = []Kind{SignIn, SignInRefused, SignOut, Application, Override, Reprint, Export,
	StaffAdded, StaffDisabled, StaffEnabled, StaffPINSet}

// Details of sign-outs.
const (
	SignOutManual = "manual"
	SignOutIdle   = "idle"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Event is what a caller records. Clerk is a staff ID; Subject an application UUID or a staff
// ID; Detail a code. None of them may hold personal data of a resident: the store writes them in
// clear, and the chain makes them impossible to remove quietly.
type Event struct {
	Kind    Kind
	Clerk   string
	Subject string
	Detail  string
}

// MaxFieldBytes bounds Clerk, Subject and Detail: codes and IDs, not text.
const MaxFieldBytes = 64

// Valid reports whether e can be recorded: a known kind and short fields.
func (e Event) Valid() bool {
	return e.Kind.Valid() && len(e.Clerk) <= MaxFieldBytes && len(e.Subject) <= MaxFieldBytes &&
		len(e.Detail) <= MaxFieldBytes
}

// Hash is an entry's SHA-256 chain hash.
type Hash [sha256.Size]byte

// Genesis is the "previous hash" of the first entry.
var Genesis Hash

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Entry is a recorded event with its place in the chain.
type Entry struct {
	Seq int64 // 1, 2, 3 ... with no gaps
	At  time.Time
	Event
	Prev, Hash Hash
}

// domain separates this chain's hashes from any other use of SHA-256 over similar bytes.
const domain = "idbooth audit v1\x00"

// Canonical is the entry's encoding that the hash covers: its sequence number, its time in Unix
// milliseconds, its kind, clerk, subject and detail, each length-prefixed so that no two
// different entries encode alike.
func (e Entry) Canonical() []byte {
	b := []byte(domain)
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UnixMilli(), 10),
		string(e.Kind), e.Clerk, e.Subject, e.Detail} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// Sum is the entry's chain hash: SHA-256 over prev and the canonical encoding.
func (e Entry) Sum(prev Hash) Hash {
	h := sha256.New()
	h.Write(prev[:])
	h.Write(e.Canonical())
	var out Hash
	h.Sum(out[:0])
	return out
}

// New returns entry seq for ev at t (to the millisecond), chained to prev (the previous
// entry's hash, Genesis for the first).
func New(seq int64, prev Hash, ev Event, t time.Time) Entry {
	e := Entry{Seq: seq, At: time.UnixMilli(t.UnixMilli()).UTC(), Event: ev, Prev: prev}
	e.Hash = e.Sum(prev)
	return e
}
