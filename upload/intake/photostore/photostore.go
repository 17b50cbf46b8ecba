// Package photostore keeps the intake's photos content-addressed: each under the hex SHA-256 of
// its bytes, so a retried upload writes the same object and two replicas writing it at once
// write the same bytes. Two homes: a local directory (Dir, the default) and an S3-compatible
// object store (S3, through minio-go). The database row that points to a photo is committed
// only after Put returns; Sweep removes photos no row points to.
package photostore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ErrNotFound: no photo under that key.
var ErrNotFound = errors.New("photostore: no such photo")

// Store is where photos live. Keys are 64 lower-case hex digits (Key).
type Store interface {
	// Put stores data under key durably before returning. Putting the same key again is
	// harmless and makes the photo young again (see List).
	Put(ctx context.Context, key string, data []byte) error
	// Get returns the photo under key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// List calls fn for every photo last written before olderThan.
	List(ctx context.Context, olderThan time.Time, fn func(key string) error) error
	// Delete removes the photo under key; a missing photo is not an error.
	Delete(ctx context.Context, key string) error
	// String names the store for logs, without credentials.
	String() string
}

// Key is the key of a photo: the hex SHA-256 of its bytes.
func Key(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

var keyPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

func checkKey(key string) error {
	if !keyPattern.MatchString(key) {
		return fmt.Errorf("photostore: bad key %q", key)
	}
	return nil
}

// Options are what an S3 store needs beyond its s3://bucket/prefix location.
type Options struct {
	Endpoint  string // host:port of the S3 API
	AccessKey string
	SecretKey string
	Region    string
	// Insecure talks plain HTTP (a loopback or in-cluster endpoint only).
	Insecure bool
}

// Open opens the store a --photos value names: "s3://bucket/prefix" for object storage (opts
// say where and how), anything else a local directory.
func Open(ctx context.Context, location string, opts Options) (Store, error) {
	if rest, ok := strings.CutPrefix(location, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		return OpenS3(ctx, bucket, prefix, opts)
	}
	if location == "" {
		return nil, errors.New("photostore: no location")
	}
	return OpenDir(location)
}

// Referenced reports whether a database row points to a photo.
type Referenced func(ctx context.Context, key string) (bool, error)

// Sweep deletes the photos last written before now-grace that no row points to, and returns
// how many it deleted. The grace period covers an upload between its Put and its row's commit:
// a photo younger than that may be about to be referenced. A retried upload rewrites its photo
// (Put), making it young again; each photo is checked just before it is deleted.
func Sweep(ctx context.Context, s Store, grace time.Duration, now time.Time, referenced Referenced) (int, error) {
	if grace <= 0 {
		return 0, errors.New("photostore: the grace period must be positive")
	}
	deleted := 0
	err := s.List(ctx, now.Add(-grace), func(key string) error {
		ok, err := referenced(ctx, key)
		if err != nil || ok {
			return err
		}
		if err := s.Delete(ctx, key); err != nil {
			return err
		}
		deleted++
		return nil
	})
	return deleted, err
}
