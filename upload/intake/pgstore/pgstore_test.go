package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/pgstore"
	"github.com/idbooth/idbooth/upload/intake/photostore"
)

var testPhoto = storagetest.Photo(600, 800, 0, 7)

func application(i int) *upload.Application {
	a := storagetest.Application(i, testPhoto)
	a.UUID = booth.NewUUID()
	a.CreatedAt = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	return upload.FromApplication(a)
}

func open(t *testing.T, url string, photos photostore.Store) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url, photos)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func dirPhotos(t *testing.T) photostore.Store {
	p, err := photostore.OpenDir(filepath.Join(t.TempDir(), "photos"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func s3Photos(t *testing.T) photostore.Store {
	srv := testsupport.StartS3(t)
	ctx := context.Background()
	opts := photostore.Options{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true}
	if err := photostore.MakeBucket(ctx, "intake", opts); err != nil {
		t.Fatal(err)
	}
	p, err := photostore.Open(ctx, "s3://intake/photos", opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPutExistsConflict(t *testing.T) {
	pg := testsupport.StartPostgres(t)
	ctx := context.Background()
	photos := dirPhotos(t)
	s := open(t, pg.CreateDB(t, "intake"), photos)

	a := application(1)
	if created, err := s.Put(ctx, a); err != nil || !created {
		t.Fatalf("first put: %v %v", created, err)
	}
	if created, err := s.Put(ctx, a); err != nil || created {
		t.Fatalf("resend: %v %v", created, err)
	}
	other := *a
	other.Lang = "en"
	if _, err := s.Put(ctx, &other); !errors.Is(err, intake.ErrConflict) {
		t.Fatalf("other content under the same uuid: %v", err)
	}
	got, err := s.Get(ctx, a.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ContentHash() != a.ContentHash() || !bytes.Equal(got.PhotoJPEG, a.PhotoJPEG) {
		t.Fatal("the held application differs from the one sent")
	}
	if _, err := s.Get(ctx, booth.NewUUID()); !errors.Is(err, pgstore.ErrNotFound) {
		t.Fatalf("get of an unknown uuid: %v", err)
	}
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Fatalf("count %d %v", n, err)
	}
	// Reopening runs no migration twice.
	s2 := open(t, pg.URL("intake"), photos)
	if n, err := s2.Count(ctx); err != nil || n != 1 {
		t.Fatalf("count after reopening %d %v", n, err)
	}

	// A photo damaged in the store is not handed out as the application's.
	key := photostore.Key(a.PhotoJPEG)
	damaged := append([]byte{}, a.PhotoJPEG...)
	damaged[len(damaged)/2] ^= 0xff
	if err := photos.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := photos.Put(ctx, key, damaged); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, a.UUID); !errors.Is(err, pgstore.ErrPhotoDamaged) {
		t.Fatalf("get with a damaged photo: %v", err)
	}
	// A retried upload of that photo repairs it.
	if err := photos.Put(ctx, key, a.PhotoJPEG); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, a.UUID); err != nil {
		t.Fatalf("get after the repair: %v", err)
	}

	// gc: a photo whose row never committed goes; the held one stays.
	orphan := storagetest.Photo(600, 800, 20, 99) // noise makes it another photo
	if err := photos.Put(ctx, photostore.Key(orphan), orphan); err != nil {
		t.Fatal(err)
	}
	n, err := photostore.Sweep(ctx, photos, time.Hour, time.Now().Add(2*time.Hour), s.Referenced)
	if err != nil || n != 1 {
		t.Fatalf("sweep deleted %d: %v", n, err)
	}
	if _, err := s.Get(ctx, a.UUID); err != nil {
		t.Fatalf("held photo swept: %v", err)
	}
}

// TestReplicasRace has three replicas (three pools) take the same UUIDs at the same moment, some
// requests with other content: for each UUID exactly one request creates it, the resends of the
// winner's content answer exists and the others conflict.
func TestReplicasRace(t *testing.T) {
	for _, kind := range []string{"dir", "s3"} {
		t.Run(kind, func(t *testing.T) {
			pg := testsupport.StartPostgres(t)
			ctx := context.Background()
			photos := dirPhotos
			if kind == "s3" {
				photos = s3Photos
			}
			p := photos(t)
			url := pg.CreateDB(t, "intake")
			// The replicas start together: the migrations run once.
			replicas := make([]*pgstore.Store, 3)
			var wg sync.WaitGroup
			for i := range replicas {
				wg.Go(func() {
					s, err := pgstore.Open(ctx, url, p)
					if err != nil {
						t.Error(err)
						return
					}
					t.Cleanup(func() { s.Close() })
					replicas[i] = s
				})
			}
			wg.Wait()
			if t.Failed() {
				t.FailNow()
			}
			const uuids, tries = 20, 12
			type result struct {
				variant int
				created bool
				err     error
			}
			results := make([][]result, uuids)
			apps := make([][2]*upload.Application, uuids)
			for u := range apps {
				a := application(u)
				b := *a
				b.Receipt = "other"
				apps[u] = [2]*upload.Application{a, &b}
				results[u] = make([]result, tries)
			}
			start := make(chan struct{})
			for u := 0; u < uuids; u++ {
				for k := 0; k < tries; k++ {
					variant := 0
					if k%3 == 2 {
						variant = 1
					}
					wg.Go(func() {
						<-start
						created, err := replicas[k%3].Put(ctx, apps[u][variant])
						results[u][k] = result{variant, created, err}
					})
				}
			}
			close(start)
			wg.Wait()
			for u, rs := range results {
				winner := -1
				for _, r := range rs {
					if r.created {
						if winner >= 0 {
							t.Fatalf("uuid %d created twice", u)
						}
						winner = r.variant
					}
				}
				if winner < 0 {
					t.Fatalf("uuid %d never created: %+v", u, rs)
				}
				for _, r := range rs {
					switch {
					case r.created:
					case r.variant == winner && r.err != nil:
						t.Fatalf("uuid %d: a resend of the held content answered %v", u, r.err)
					case r.variant != winner && !errors.Is(r.err, intake.ErrConflict):
						t.Fatalf("uuid %d: other content answered %v", u, r.err)
					}
				}
				got, err := replicas[u%3].Get(ctx, apps[u][0].UUID)
				if err != nil || got.ContentHash() != apps[u][winner].ContentHash() {
					t.Fatalf("uuid %d: held content is not the winner's: %v", u, err)
				}
			}
			if n, err := replicas[0].Count(ctx); err != nil || n != uuids {
				t.Fatalf("count %d %v", n, err)
			}
			checked := 0
			err := replicas[1].PhotoRefs(ctx, func(r pgstore.PhotoRef) error {
				b, err := p.Get(ctx, r.Key)
				if err != nil || photostore.Key(b) != r.Key || len(b) != r.Bytes {
					return fmt.Errorf("photo of %s: %v", r.UUID, err)
				}
				checked++
				return nil
			})
			if err != nil || checked != uuids {
				t.Fatalf("photos: %d checked: %v", checked, err)
			}
		})
	}
}

// TestDatabaseRestart: connections broken by a database crash-restart make Put fail (the booth
// retries), never answer wrongly; after the restart the pool reconnects and every application
// is held once.
func TestDatabaseRestart(t *testing.T) {
	pg := testsupport.StartPostgres(t)
	ctx := context.Background()
	s := open(t, pg.CreateDB(t, "intake"), dirPhotos(t))
	a := application(3)
	if _, err := s.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := pg.Restart(); err != nil {
		t.Fatal(err)
	}
	var created bool
	var err error
	for try := 0; try < 20; try++ {
		if created, err = s.Put(ctx, a); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || created {
		t.Fatalf("resend after the restart: created=%v %v", created, err)
	}
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Fatalf("count %d %v", n, err)
	}
}
