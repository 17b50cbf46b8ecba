// Package intaketest runs the reference intake server on 127.0.0.1 for tests.
package intaketest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/idbooth/idbooth/upload/intake"
)

// Start serves a fresh intake (its database in a temp dir) accepting token, until the test ends.
func Start(t testing.TB, token string) (*httptest.Server, *intake.Store) {
	t.Helper()
	st, err := intake.OpenStore(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&intake.Server{Store: st, Token: token}).Handler())
	t.Cleanup(func() { srv.Close(); st.Close() })
	return srv, st
}
