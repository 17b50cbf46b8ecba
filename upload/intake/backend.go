package intake

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/fleet"
)

// Backend is what the server keeps its state in: the SQLite Store (one process, the default)
// or PostgreSQL with photos in a directory or S3 (pgstore, for replicas).
type Backend interface {
	// Put stores a validated application once and returns only when it is durable: created
	// false when the same content was held already, ErrConflict when other content is,
	// ErrStorageFull when the disk is.
	Put(ctx context.Context, a *upload.Application) (created bool, err error)
	// Count is the number of distinct applications held.
	Count(ctx context.Context) (int, error)
	// Get returns a held application, photo included.
	Get(ctx context.Context, uuid string) (*upload.Application, error)
	// Received returns up to limit applications received after the cursor and before until,
	// in the order of (received time, UUID), photos included (export).
	Received(ctx context.Context, after Cursor, until time.Time, limit int) ([]Received, error)

	// AddBooth registers a booth with the hash of its token (ErrBoothExists if it is known).
	AddBooth(ctx context.Context, id, tokenHash string, at time.Time) error
	// RevokeBooth refuses the booth's token from now on (ErrNoBooth if it is unknown).
	RevokeBooth(ctx context.Context, id string, at time.Time) error
	// BoothByToken finds the booth a token hash belongs to (ErrNoBooth if none).
	BoothByToken(ctx context.Context, tokenHash string) (BoothCredential, error)
	// PutStatus keeps a booth's latest status report, received at at.
	PutStatus(ctx context.Context, id string, st *upload.BoothStatus, at time.Time) error
	// Booths and PerDay feed the fleet dashboard.
	fleet.Source

	Close() error
}

// Errors of the booth registry.
var (
	ErrBoothExists = errors.New("booth already registered")
	ErrNoBooth     = errors.New("no such booth")
	// ErrStorageFull: the database's disk is full (answered 507).
	ErrStorageFull = errors.New("intake storage full")
)

// BoothCredential is a registered booth's token record.
type BoothCredential struct {
	ID      string
	Revoked bool
}

// Cursor is a position in the order of received applications: (received time, UUID). The zero
// Cursor is before the first.
type Cursor struct {
	At   time.Time `json:"received_at"`
	UUID string    `json:"uuid"`
}

// Received is a held application with the time it was received.
type Received struct {
	*upload.Application
	At time.Time
}

// BoothTokenPrefix begins every booth's own token.
const BoothTokenPrefix = "idbt_"

// NewBoothToken makes a booth's token: 32 random bytes, URL-safe base64, prefixed so a
// leaked one is recognisable.
func NewBoothToken() string {
	var b [32]byte
	rand.Read(b[:])
	return BoothTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is what the intake stores of a booth's token: its SHA-256 (a token is 256 random
// bits, so a plain hash cannot be reversed; no slow hash is needed).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
