package storage

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeySize is the AES-256 key length in bytes.
const KeySize = 32

// keyCheckPlain is sealed with the key into meta.key_check when a queue is created, so a later
// start with another key fails at Open instead of at the first decryption.
var keyCheckPlain = []byte("idbooth queue key check v1")

// sealer encrypts personal data with AES-256-GCM. The additional data binds each ciphertext to
// its application and field, so sealed values cannot be swapped between rows unnoticed.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("storage: key: %w: %d bytes, want %d", ErrWrongKey, len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("storage: key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("storage: key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(plain []byte, field, uuid string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(field+"/"+uuid))
}

func (s *sealer) open(sealed []byte, field, uuid string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, fmt.Errorf("%w: %s of %s: sealed value too short", ErrCorrupt, field, uuid)
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(field+"/"+uuid))
	if err != nil {
		return nil, fmt.Errorf("%w: %s of %s: %w", ErrCorrupt, field, uuid, err)
	}
	return plain, nil
}

// loadKey finds the key (given, or in the key file, or newly created for an empty queue) and
// checks it against the queue's key check.
func (s *Store) loadKey(ctx context.Context, opts Config) (*sealer, error) {
	var check []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'key_check'`).Scan(&check)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, mapErr("read key check", err)
	}
	key := opts.Key
	if key == nil {
		if opts.KeyFile == "" {
			return nil, fmt.Errorf("storage: %w: no key file configured", ErrNoKey)
		}
		key, err = readKeyFile(opts.KeyFile)
		if errors.Is(err, fs.ErrNotExist) && check != nil {
			return nil, fmt.Errorf("storage: %w: %s does not exist but the queue %s holds encrypted applications; restore the key file",
				ErrNoKey, opts.KeyFile, opts.Path)
		}
		if errors.Is(err, fs.ErrNotExist) {
			key, err = createKeyFile(opts.KeyFile)
		}
		if err != nil {
			return nil, err
		}
	}
	seal, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if plain, err := seal.open(check, "key_check", ""); err != nil || !bytes.Equal(plain, keyCheckPlain) {
			return nil, fmt.Errorf("storage: %w: the key does not open the queue %s", ErrWrongKey, opts.Path)
		}
		return seal, nil
	}
	_, err = s.db.ExecContext(ctx, `INSERT OR IGNORE INTO meta (name, value) VALUES ('key_check', ?)`,
		seal.seal(keyCheckPlain, "key_check", ""))
	if err != nil {
		return nil, mapErr("write key check", err)
	}
	// Another process may have created the queue with its own key in between: check again.
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'key_check'`).Scan(&check); err != nil {
		return nil, mapErr("read key check", err)
	}
	if plain, err := seal.open(check, "key_check", ""); err != nil || !bytes.Equal(plain, keyCheckPlain) {
		return nil, fmt.Errorf("storage: %w: the key does not open the queue %s", ErrWrongKey, opts.Path)
	}
	return seal, nil
}

// ParseKey reads a key as 64 hex digits (surrounding white space ignored).
func ParseKey(text []byte) ([]byte, error) {
	key, err := hex.DecodeString(string(bytes.TrimSpace(text)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("storage: %w: want %d hex digits", ErrWrongKey, 2*KeySize)
	}
	return key, nil
}

func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("storage: key file %s: %w: mode %04o lets others read it; chmod 600", path, ErrNoKey, fi.Mode().Perm())
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("storage: key file %s: %w: %w", path, ErrNoKey, err)
	}
	key, err := ParseKey(text)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return key, nil
}

// createKeyFile writes a new random key with mode 0600 and syncs it (and its directory) before
// any data is sealed with it. The key is written to a temporary file and linked into place, so
// no process ever reads a half-written key; when two race, the loser reads the winner's key.
func createKeyFile(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: key file: %w: %w", ErrUnavailable, err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".key-*")
	if err != nil {
		return nil, fmt.Errorf("storage: create key file: %w: %w", ErrUnavailable, err)
	}
	defer os.Remove(f.Name())
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(f.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: create key file: %w: %w", ErrUnavailable, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return key, nil
}
