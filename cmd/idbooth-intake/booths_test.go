package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/idbooth/idbooth/internal/testsupport/browser"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
)

func addBooth(t *testing.T, backend []string, id string) string {
	t.Helper()
	code, out, errOut := runCmd(append(append([]string{"booth", "add"}, backend...), id)...)
	var added struct{ Booth, Token string }
	if code != 0 || json.Unmarshal([]byte(out), &added) != nil || added.Booth != id || !strings.HasPrefix(added.Token, intake.BoothTokenPrefix) {
		t.Fatalf("booth add %s: exit %d %q %s", id, code, out, errOut)
	}
	return added.Token
}

// queueOf makes a booth's queue holding n applications of booth id.
func queueOf(t *testing.T, dir, id string, n int) *storage.Store {
	t.Helper()
	q, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(dir, id+".db"), KeyFile: filepath.Join(dir, id+".key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	base := storagetest.Photo(600, 800, 0, 1)
	for i := 0; i < n; i++ {
		a := storagetest.Application(i, uniquePhoto(base, id+fmt.Sprint(i)))
		a.BoothID = id
		if err := q.Enqueue(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	return q
}

// slowTarget takes its time before each PUT.
type slowTarget struct {
	upload.Target
	delay time.Duration
}

func (s slowTarget) Put(ctx context.Context, a *upload.Application) error {
	time.Sleep(s.delay)
	return s.Target.Put(ctx, a)
}

func putStatus(t *testing.T, base, token, id string, st upload.BoothStatus) int {
	t.Helper()
	body, _ := json.Marshal(st)
	req, _ := http.NewRequest(http.MethodPut, base+upload.StatusPath(id), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRevokedBoothIsRefusedAlone: three booths with their own tokens and one on the shared
// token sync at once; booth-b is revoked part-way. booth-b is refused from then on (its
// applications stay queued, not failed) and the refusal is logged with its ID, while the others
// send everything. A booth's token sends nothing in another booth's name.
func TestRevokedBoothIsRefusedAlone(t *testing.T) {
	dir := t.TempDir()
	backend := []string{"--data", filepath.Join(dir, "intake")}
	tokens := map[string]string{}
	for _, id := range []string{"booth-a", "booth-b", "booth-c"} {
		tokens[id] = addBooth(t, backend, id)
	}
	tokens["booth-shared"] = testToken
	srv, err := startServer(t, append([]string{"--listen", "127.0.0.1:0", "--token", testToken}, backend...)...)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.addr
	const n = 30
	queues := map[string]*storage.Store{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, len(tokens))
	for id, tok := range tokens {
		queues[id] = queueOf(t, dir, id, n)
		client, err := upload.NewClient(upload.ClientConfig{URL: base, Token: tok, MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer client.CloseIdle()
		var target upload.Target = client
		if id == "booth-b" {
			target = slowTarget{client, 50 * time.Millisecond} // still sending when it is revoked
		}
		w := &upload.Worker{Store: queues[id], Target: target, Concurrency: 1, Poll: 50 * time.Millisecond,
			Backoff: upload.Backoff{Base: 20 * time.Millisecond, Cap: 100 * time.Millisecond}}
		go func() { w.Run(ctx); done <- struct{}{} }()
	}
	stats := func(id string) storage.Stats { return storagetest.Stats(t, queues[id]) }
	for deadline := time.Now().Add(30 * time.Second); stats("booth-b").Sent < 5; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("booth-b sent nothing")
		}
	}
	if code, out, errOut := runCmd(append(append([]string{"booth", "revoke"}, backend...), "booth-b")...); code != 0 {
		t.Fatalf("booth revoke: exit %d %s %s", code, out, errOut)
	}
	revokedAt := stats("booth-b").Sent
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if stats("booth-a").Sent == n && stats("booth-c").Sent == n && stats("booth-shared").Sent == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other booths did not finish: %+v %+v %+v", stats("booth-a"), stats("booth-c"), stats("booth-shared"))
		}
	}
	time.Sleep(300 * time.Millisecond) // booth-b keeps trying meanwhile
	b := stats("booth-b")
	// At most what was under way when it was revoked got through after: the request in flight
	// (authenticated before the revocation committed) and one the intake had already stored
	// whose answer the booth had not yet recorded when revokedAt was read.
	if b.Sent > revokedAt+2 || b.Sent == n || b.Failed != 0 || b.Pending+b.Sending != n-b.Sent {
		t.Fatalf("revoked booth-b: %+v (sent %d when revoked)", b, revokedAt)
	}
	// booth-a's token sends nothing in booth-c's name, and reports no status for it.
	a := storagetest.Application(99, storagetest.Photo(600, 800, 0, 1))
	a.BoothID, a.UUID, a.CreatedAt = "booth-c", "5f0c8a52-6a0e-4d3c-9a53-0d4c1f2e3b4a", time.Now()
	a.Receipt = "R-99"
	clientA, _ := upload.NewClient(upload.ClientConfig{URL: base, Token: tokens["booth-a"]})
	if err := clientA.Put(context.Background(), upload.FromApplication(a)); !errors.Is(err, upload.ErrAuth) || !strings.Contains(err.Error(), upload.CodeBoothMismatch) {
		t.Fatalf("booth-a sending for booth-c: %v", err)
	}
	status := upload.BoothStatus{AppVersion: "1.0.0", PhotoCheck: upload.Device{State: upload.DeviceOK}, Printer: upload.Device{State: upload.DeviceUnknown}}
	if code := putStatus(t, base, tokens["booth-a"], "booth-c", status); code != http.StatusForbidden {
		t.Fatalf("booth-a reporting for booth-c: %d", code)
	}
	if code := putStatus(t, base, tokens["booth-a"], "booth-a", status); code != http.StatusNoContent {
		t.Fatalf("booth-a reporting: %d", code)
	}
	if code := putStatus(t, base, tokens["booth-b"], "booth-b", status); code != http.StatusForbidden {
		t.Fatalf("revoked booth-b reporting: %d", code)
	}
	cancel()
	for range tokens {
		<-done
	}
	srv.stop(t)
	log := srv.stderr.String()
	if !strings.Contains(log, "revoked booth refused") || !strings.Contains(log, "booth=booth-b") {
		t.Fatalf("the refusal of booth-b is not logged with its ID:\n%s", log)
	}
	code, out, _ := runCmd(append([]string{"count"}, backend...)...)
	if want := fmt.Sprintf("%d\n", 3*n+b.Sent); code != 0 || out != want {
		t.Fatalf("count %q, want %q", out, want)
	}
	code, out, _ = runCmd(append([]string{"booth", "list"}, backend...)...)
	if code != 0 || !strings.Contains(out, `{"booth":"booth-b","registered":true,"revoked":true}`) || !strings.Contains(out, `"booth":"booth-a","last_seen"`) {
		t.Fatalf("booth list: %s", out)
	}
}

// TestDashboardFlagsASilentBooth: the real server, its SQLite database holding one booth whose
// last report is 25 h old and one that reported just now; the fleet page, read in headless
// Chromium after the operator's login, flags the first and not the second.
func TestDashboardFlagsASilentBooth(t *testing.T) {
	ctx := browser.Start(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "intake")
	st, err := intake.OpenStore(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	report := &upload.BoothStatus{AppVersion: "1.0.0", Queue: upload.QueueDepth{Pending: 4},
		PhotoCheck: upload.Device{State: upload.DeviceOK}, Printer: upload.Device{State: upload.DeviceOK}}
	if err := st.PutStatus(context.Background(), "nerima-01", report, time.Now().Add(-25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	const password = "operator-password-1"
	srv, err := startServer(t, "--listen", "127.0.0.1:0", "--data", data, "--token", testToken, "--operator-password", password)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop(t)
	base := "http://" + srv.addr
	if code := putStatus(t, base, testToken, "shibuya-01", *report); code != http.StatusNoContent {
		t.Fatalf("status: %d", code)
	}
	if err := browser.LogIn(ctx, base+"/fleet/", password, "#fleet"); err != nil {
		t.Fatal(err)
	}
	silent, err := chromedp.Run(ctx, chromedp.Text("#booth-nerima-01"))
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := chromedp.Run(ctx, chromedp.Text("#booth-shibuya-01"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(silent, "silent over 24 h") || strings.Contains(fresh, "silent") {
		t.Fatalf("silent booth row %q; fresh booth row %q", silent, fresh)
	}
}
