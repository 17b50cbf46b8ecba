package photostore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/upload/intake/photostore"
)

func photo(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("photo %d;", i)), 1000+i)
}

// conformance runs the same checks on every kind of store.
func conformance(t *testing.T, s photostore.Store) {
	ctx := context.Background()
	var keys []string
	for i := 0; i < 5; i++ {
		p := photo(i)
		k := photostore.Key(p)
		keys = append(keys, k)
		if err := s.Put(ctx, k, p); err != nil {
			t.Fatal(err)
		}
		// A retried upload puts the same photo again.
		if err := s.Put(ctx, k, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, k)
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("get %d: %v (%d bytes)", i, err, len(got))
		}
	}
	missing := photostore.Key([]byte("never stored"))
	if _, err := s.Get(ctx, missing); !errors.Is(err, photostore.ErrNotFound) {
		t.Fatalf("get of a missing photo: %v", err)
	}
	if err := s.Put(ctx, "../../etc/passwd", []byte("x")); err == nil {
		t.Fatal("a key that is not a SHA-256 was taken")
	}
	if err := s.Delete(ctx, missing); err != nil {
		t.Fatalf("delete of a missing photo: %v", err)
	}

	var listed []string
	if err := s.List(ctx, time.Now().Add(time.Hour), func(k string) error { listed = append(listed, k); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(listed)
	want := append([]string(nil), keys...)
	sort.Strings(want)
	if fmt.Sprint(listed) != fmt.Sprint(want) {
		t.Fatalf("listed %v, want %v", listed, want)
	}

	// Keys 0 and 1 are referenced by rows; the others are orphans.
	referenced := func(ctx context.Context, k string) (bool, error) { return k == keys[0] || k == keys[1], nil }
	// Everything was written just now: within the grace period nothing goes.
	if n, err := photostore.Sweep(ctx, s, time.Hour, time.Now(), referenced); err != nil || n != 0 {
		t.Fatalf("sweep within the grace period deleted %d: %v", n, err)
	}
	// Two hours later the three orphans go and the referenced photos stay.
	if n, err := photostore.Sweep(ctx, s, time.Hour, time.Now().Add(2*time.Hour), referenced); err != nil || n != 3 {
		t.Fatalf("sweep deleted %d, want 3: %v", n, err)
	}
	for i, k := range keys {
		_, err := s.Get(ctx, k)
		if (i < 2) != (err == nil) {
			t.Fatalf("after the sweep, photo %d: %v", i, err)
		}
	}
	if _, err := photostore.Sweep(ctx, s, 0, time.Now(), referenced); err == nil {
		t.Fatal("a sweep without a grace period ran")
	}
}

func TestDir(t *testing.T) {
	root := filepath.Join(t.TempDir(), "photos")
	s, err := photostore.Open(context.Background(), root, photostore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	conformance(t, s)
	p := photo(0)
	fi, err := os.Stat(filepath.Join(root, photostore.Key(p)[:2], photostore.Key(p)+".jpg"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("photo file: %v %v", fi.Mode(), err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(root, "*", ".put-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temp files left: %v", leftovers)
	}
}

// TestS3 runs against a real S3-compatible server (SeaweedFS), started for the test.
func TestS3(t *testing.T) {
	srv := testsupport.StartS3(t)
	ctx := context.Background()
	opts := photostore.Options{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true}
	if _, err := photostore.Open(ctx, "s3://photos/booths", opts); err == nil {
		t.Fatal("opened a bucket that does not exist")
	}
	if err := photostore.MakeBucket(ctx, "photos", opts); err != nil {
		t.Fatal(err)
	}
	wrong := opts
	wrong.SecretKey = "not-the-secret"
	if _, err := photostore.Open(ctx, "s3://photos/booths", wrong); err == nil {
		t.Fatal("opened with a wrong secret key")
	}
	s, err := photostore.Open(ctx, "s3://photos/booths", opts)
	if err != nil {
		t.Fatal(err)
	}
	conformance(t, s)
	// Another prefix in the same bucket is another store: it sees none of these photos.
	other, err := photostore.Open(ctx, "s3://photos/elsewhere/", opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Get(ctx, photostore.Key(photo(0))); !errors.Is(err, photostore.ErrNotFound) {
		t.Fatalf("prefixes not apart: %v", err)
	}
}
