package upload_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/idbooth/idbooth/upload"
)

func TestCheckAuthAgainstTheIntake(t *testing.T) {
	ctx := context.Background()
	srv, held := startIntake(t)
	clock, err := newClient(t, srv.URL, testToken).CheckAuth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(clock); d < -2*time.Second || d > 2*time.Second {
		t.Errorf("intake clock %v is %v from ours", clock, d)
	}
	if _, err := newClient(t, srv.URL, "wrong-token").CheckAuth(ctx); !errors.Is(err, upload.ErrAuth) {
		t.Errorf("wrong token: %v, want ErrAuth", err)
	}
	if n, _ := held.Count(ctx); n != 0 {
		t.Errorf("checking the token stored %d applications", n)
	}

	// An intake from before /v1/auth.
	old := httptest.NewServer(http.NotFoundHandler())
	defer old.Close()
	if _, err := newClient(t, old.URL, testToken).CheckAuth(ctx); !errors.Is(err, upload.ErrRefused) {
		t.Errorf("old intake: %v", err)
	}
	old.Close()
	if _, err := newClient(t, old.URL, testToken).CheckAuth(ctx); !errors.Is(err, upload.ErrTemporary) {
		t.Errorf("intake down: %v", err)
	}
}
