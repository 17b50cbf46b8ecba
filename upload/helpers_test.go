package upload_test

import (
	"context"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/intaketest"
)

const testToken = "test-token-0123456789"

// photo is a 600×800 JPEG of about 24 KB: within the upload spec.
var photo = storagetest.Photo(600, 800, 0, 1)

func openQueue(t testing.TB) *storage.Store { return storagetest.Open(t) }

func enqueueN(t testing.TB, s *storage.Store, n int, jpeg []byte) []string {
	t.Helper()
	var uuids []string
	for i := 0; i < n; i++ {
		a := storagetest.Application(i, jpeg)
		if err := s.Enqueue(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		uuids = append(uuids, a.UUID)
	}
	return uuids
}

// startIntake runs the reference intake server on 127.0.0.1.
func startIntake(t testing.TB) (*httptest.Server, *intake.Store) {
	return intaketest.Start(t, testToken)
}

func newClient(t testing.TB, url, token string) *upload.Client {
	t.Helper()
	c, err := upload.NewClient(upload.ClientConfig{URL: url, Token: token, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdle)
	return c
}

var fastBackoff = upload.Backoff{Base: 5 * time.Millisecond, Cap: 50 * time.Millisecond}

// checkNoGoroutineLeak fails if, shortly after the test, more goroutines run than before it.
func checkNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<16)
			t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
	})
}

func mustStats(t testing.TB, s *storage.Store) storage.Stats { return storagetest.Stats(t, s) }
