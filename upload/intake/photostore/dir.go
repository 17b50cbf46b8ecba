package photostore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idbooth/idbooth/internal/atomicfile"
)

// Dir keeps photos as files DIR/ab/<key>.jpg (ab: the key's first two digits), mode 0600, each
// written atomically (atomicfile), so a crash leaves a whole photo or none.
type Dir struct {
	root string
}

// OpenDir opens (creating it, mode 0700) a directory store.
func OpenDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("photostore: %w", err)
	}
	return &Dir{root: root}, nil
}

func (d *Dir) String() string { return d.root }

func (d *Dir) path(key string) string { return filepath.Join(d.root, key[:2], key+".jpg") }

// Put writes the photo unless an intact copy is already there (then it only renews its time).
func (d *Dir) Put(ctx context.Context, key string, data []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	p := d.path(key)
	// A whole, intact copy is only made young again; a damaged one is replaced.
	if held, err := os.ReadFile(p); err == nil && Key(held) == key {
		now := time.Now()
		return os.Chtimes(p, now, now)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(p, data, 0o600)
}

func (d *Dir) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return b, err
}

func (d *Dir) List(ctx context.Context, olderThan time.Time, fn func(key string) error) error {
	return filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		key, ok := strings.CutSuffix(e.Name(), ".jpg")
		if e.IsDir() || !ok || checkKey(key) != nil {
			return nil
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if fi.ModTime().Before(olderThan) {
			return fn(key)
		}
		return nil
	})
}

func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := os.Remove(d.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
