package upload_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
)

func TestDrainDeliversOnceAndResendIsIdempotent(t *testing.T) {
	checkNoGoroutineLeak(t)
	ctx := context.Background()
	q := openQueue(t)
	uuids := enqueueN(t, q, 25, photo)
	srv, held := startIntake(t)
	w := &upload.Worker{Store: q, Target: newClient(t, srv.URL, testToken), Backoff: fastBackoff}
	res := w.Drain(ctx)
	if res.Sent != 25 || res.Failed != 0 || res.Err != nil {
		t.Fatalf("drain: %+v", res)
	}
	if n, _ := held.Count(ctx); n != 25 {
		t.Fatalf("intake holds %d", n)
	}
	got, err := held.Get(ctx, uuids[3])
	want, _ := q.Get(ctx, uuids[3])
	if err != nil || got.FormID != string(want.FormID) || got.BirthDate != want.BirthDate.String() || string(got.PhotoJPEG) != string(want.Photo) {
		t.Fatalf("intake holds other content: %v", err)
	}
	if st, ws := mustStats(t, q), w.Status(); st.Sent != 25 || st.Pending != 0 || st.LastSent.IsZero() ||
		ws.LastSuccess.IsZero() || ws.LastResult.Sent != 25 {
		t.Fatalf("status %+v %+v", st, ws)
	}
	// The same application again (a resend after a lost answer) is "exists", not a second copy.
	if err := newClient(t, srv.URL, testToken).Put(ctx, upload.FromApplication(want)); err != nil {
		t.Fatalf("resend: %v", err)
	}
	if n, _ := held.Count(ctx); n != 25 {
		t.Fatalf("resend made a copy: %d", n)
	}
	if res := w.Drain(ctx); res.Sent+res.Failed+res.Retried != 0 {
		t.Fatalf("second drain did something: %+v", res)
	}
}

func TestConflictIsPermanentAndShown(t *testing.T) {
	ctx := context.Background()
	srv, held := startIntake(t)
	// Two queues claim the same UUID with different content.
	first, second := openQueue(t), openQueue(t)
	a := storagetest.Application(1, photo)
	if err := first.Enqueue(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := storagetest.Application(2, photo)
	b.UUID = a.UUID
	if err := second.Enqueue(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, q := range []*storage.Store{first, second} {
		(&upload.Worker{Store: q, Target: newClient(t, srv.URL, testToken)}).Drain(ctx)
	}
	e, _ := second.Entry(ctx, a.UUID)
	if e.State != storage.StateFailed || !strings.Contains(e.LastError, "409") {
		t.Fatalf("conflict: %+v", e)
	}
	if got, _ := held.Get(ctx, a.UUID); got.FormID != string(a.FormID) {
		t.Fatal("the conflicting application replaced the first")
	}
	if _, err := second.Get(ctx, a.UUID); err != nil {
		t.Fatalf("a refused application must stay in the queue: %v", err)
	}
}

func TestTokenRefusedKeepsQueue(t *testing.T) {
	ctx := context.Background()
	q := openQueue(t)
	enqueueN(t, q, 20, photo)
	srv, held := startIntake(t)
	w := &upload.Worker{Store: q, Target: newClient(t, srv.URL, "wrong-token"), Backoff: fastBackoff, Concurrency: 2}
	res := w.Drain(ctx)
	if !errors.Is(res.Err, upload.ErrAuth) || !res.IntakeDown || res.Retried > 4 {
		t.Fatalf("wrong token: %+v", res)
	}
	st, _ := q.Stats(ctx)
	if st.Pending != 20 || st.Failed != 0 || !strings.Contains(st.LastError, "401") {
		t.Fatalf("after a refused token: %+v", st)
	}
	w.Target = newClient(t, srv.URL, testToken)
	time.Sleep(60 * time.Millisecond) // past the backoff cap
	if res := w.Drain(ctx); res.Sent != 20 {
		t.Fatalf("with the right token: %+v", res)
	}
	if n, _ := held.Count(ctx); n != 20 {
		t.Fatalf("intake holds %d", n)
	}
}

// A server that answers 200 with something that is not an Answer (a captive portal, a proxy's
// page) must not make the booth believe the application arrived.
func TestMalformedAnswerIsRetried(t *testing.T) {
	ctx := context.Background()
	q := openQueue(t)
	uuids := enqueueN(t, q, 3, photo)
	var calls atomic.Int32
	bogus := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Write([]byte("<html>Welcome to Booth-Free-WiFi</html>"))
	}))
	defer bogus.Close()
	w := &upload.Worker{Store: q, Target: newClient(t, bogus.URL, testToken), Backoff: fastBackoff}
	res := w.Drain(ctx)
	if !errors.Is(res.Err, upload.ErrMalformedAnswer) || res.Sent != 0 || calls.Load() == 0 {
		t.Fatalf("malformed answer: %+v", res)
	}
	e, _ := q.Entry(ctx, uuids[0])
	if e.State != storage.StatePending || !strings.Contains(e.LastError, "malformed answer") {
		t.Fatalf("entry after malformed answer: %+v", e)
	}
	t.Logf("operator sees: %s", e.LastError)
	srv, held := startIntake(t)
	w.Target = newClient(t, srv.URL, testToken)
	time.Sleep(60 * time.Millisecond)
	if res := w.Drain(ctx); res.Sent != 3 {
		t.Fatalf("after the intake is back: %+v", res)
	}
	if n, _ := held.Count(ctx); n != 3 {
		t.Fatalf("intake holds %d", n)
	}
}

func TestServerErrorsAreRetriedWithBackoff(t *testing.T) {
	ctx := context.Background()
	q := openQueue(t)
	uuids := enqueueN(t, q, 1, photo)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	w := &upload.Worker{Store: q, Target: newClient(t, srv.URL, testToken), Backoff: upload.Backoff{Base: time.Hour, Cap: time.Hour}}
	for i := 0; i < 5; i++ {
		w.Drain(ctx)
	}
	e, _ := q.Entry(ctx, uuids[0])
	if calls.Load() != 1 || e.Attempts != 1 || e.State != storage.StatePending || !strings.Contains(e.LastError, "503") {
		t.Fatalf("backoff not respected: %d calls, %+v", calls.Load(), e)
	}
	if e.NextAttemptAt.After(time.Now().Add(time.Hour)) {
		t.Fatalf("next attempt beyond the cap: %v", e.NextAttemptAt)
	}
}

func TestTLSWithCustomCA(t *testing.T) {
	ctx := context.Background()
	st, err := intake.OpenStore(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewTLSServer((&intake.Server{Store: st, Token: testToken}).Handler())
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)

	q := openQueue(t)
	enqueueN(t, q, 2, photo)
	untrusted, _ := upload.NewClient(upload.ClientConfig{URL: srv.URL, Token: testToken})
	res := (&upload.Worker{Store: q, Target: untrusted, Backoff: fastBackoff}).Drain(ctx)
	var unknownCA x509.UnknownAuthorityError
	if res.Sent != 0 || !errors.As(res.Err, &unknownCA) {
		t.Fatalf("without the CA: %+v", res)
	}
	trusted, err := upload.NewClient(upload.ClientConfig{URL: srv.URL, Token: testToken, CAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	if res := (&upload.Worker{Store: q, Target: trusted}).Drain(ctx); res.Sent != 2 {
		t.Fatalf("with the CA: %+v", res)
	}
}

func TestClientRefusesPlainHTTPToRemoteHost(t *testing.T) {
	for _, u := range []string{"http://intake.example.jp", "ftp://127.0.0.1", "127.0.0.1:8443"} {
		if _, err := upload.NewClient(upload.ClientConfig{URL: u, Token: "t"}); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if _, err := upload.NewClient(upload.ClientConfig{URL: "https://intake.example.jp"}); err == nil {
		t.Error("no token accepted")
	}
}

func TestRunRecoversSendingAndStopsCleanly(t *testing.T) {
	checkNoGoroutineLeak(t)
	q := openQueue(t)
	uuids := enqueueN(t, q, 3, photo)
	// A worker that died mid-send left entries in sending, with a long lease.
	if c, err := q.ClaimDue(context.Background(), 3, time.Hour); err != nil || len(c) != 3 {
		t.Fatal(err)
	}
	srv, held := startIntake(t)
	client := newClient(t, srv.URL, testToken)
	w := &upload.Worker{Store: q, Target: client, Backoff: fastBackoff, Poll: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	waitFor(t, func() bool { n, _ := held.Count(ctx); return n == 3 })
	// Queued while running: Trigger makes it go now, not at the next poll (an hour away).
	a := storagetest.Application(99, photo)
	if err := q.Enqueue(ctx, a); err != nil {
		t.Fatal(err)
	}
	w.Trigger()
	waitFor(t, func() bool { e, _ := q.Entry(ctx, a.UUID); return e.State == storage.StateSent })
	if st, ws := mustStats(t, q), w.Status(); !ws.Running || st.Sent != 4 || st.Pending != 0 {
		t.Fatalf("status while running: %+v %+v", st, ws)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	client.CloseIdle()
	for _, u := range uuids {
		if e, _ := q.Entry(context.Background(), u); e.State != storage.StateSent || e.Attempts != 2 {
			t.Fatalf("recovered entry: %+v", e)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An outage leaves applications waiting out their backoff; "sync now" (the operator screen,
// `idbooth sync --once`) sends every one of them at once when the intake is back.
func TestSyncNowIgnoresBackoff(t *testing.T) {
	ctx := context.Background()
	st, err := intake.OpenStore(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var down atomic.Bool
	real := (&intake.Server{Store: st, Token: testToken}).Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "intake restarting", http.StatusServiceUnavailable)
			return
		}
		real.ServeHTTP(w, r)
	}))
	defer srv.Close()
	q := openQueue(t)
	enqueueN(t, q, 30, photo)
	w := &upload.Worker{Store: q, Target: newClient(t, srv.URL, testToken), Concurrency: 2,
		Backoff: upload.Backoff{Base: time.Hour, Cap: time.Hour}}

	down.Store(true)
	if res := w.Drain(ctx); !res.IntakeDown || res.Sent != 0 {
		t.Fatalf("drain during the outage: %+v", res)
	}
	down.Store(false)
	// A plain drain respects the backoff: the failed ones wait (up to an hour) ...
	res := w.Drain(ctx)
	if s := mustStats(t, q); s.Sent+res.Sent == 30 && s.Pending == 0 {
		t.Fatal("the outage left nothing waiting: the test proves nothing")
	}
	// ... sync now does not.
	res = w.SyncNow(ctx)
	if s := mustStats(t, q); s.Sent != 30 || s.Pending != 0 || res.Err != nil {
		t.Fatalf("after sync now: %+v, round %+v", s, res)
	}
	if n, _ := st.Count(ctx); n != 30 {
		t.Fatalf("intake holds %d, want 30", n)
	}
}
