package intake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/metrics"
)

func do(t *testing.T, method, url, auth, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestStatusReportsAndMetrics: status reports are stored only when they keep to the contract,
// and /metrics counts what happened, to the bearer of the metrics token only.
func TestStatusReportsAndMetrics(t *testing.T) {
	st, err := intake.OpenStore(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const metricsToken = "metrics-token-0123456789"
	s := &intake.Server{Store: st, Token: token, Metrics: metrics.New(st.Count, nil), MetricsToken: metricsToken}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	good := `{"app_version":"1.2.3","queue":{"pending":2,"sending":0,"sent":10,"failed":0},"oldest_pending_seconds":30,` +
		`"photo_check":{"state":"ok"},"printer":{"state":"error","code":"paper_out"}}`
	statusURL := srv.URL + upload.StatusPath("nerima-01")
	for _, c := range []struct {
		name, auth, body, url string
		want                  int
	}{
		{"no token", "", good, statusURL, 401},
		{"good", token, good, statusURL, 204},
		{"unknown field (a name, say)", token, strings.Replace(good, `"app_version"`, `"resident":"x","app_version"`, 1), statusURL, 400},
		{"markup in a code", token, strings.Replace(good, "paper_out", "<script>", 1), statusURL, 400},
		{"negative count", token, strings.Replace(good, `"pending":2`, `"pending":-2`, 1), statusURL, 400},
		{"two reports", token, good + good, statusURL, 400},
		{"too long", token, `{"app_version":"` + strings.Repeat("1", 20000) + `"}`, statusURL, 413},
		{"booth ID with a space", token, good, srv.URL + "/v1/booths/a%20b/status", 400},
	} {
		if code, body := do(t, http.MethodPut, c.url, c.auth, c.body); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, body, c.want)
		}
	}
	booths, err := st.Booths(context.Background())
	if err != nil || len(booths) != 1 || booths[0].Status.Printer.Code != "paper_out" {
		t.Fatalf("booths: %+v %v", booths, err)
	}

	a := application(1)
	body, _ := json.Marshal(a)
	put(t, srv, a.UUID, "Bearer "+token, body)
	put(t, srv, a.UUID, "Bearer "+token, body)
	if code, _ := do(t, http.MethodGet, srv.URL+"/metrics", "", ""); code != 401 {
		t.Fatalf("metrics without the token: %d", code)
	}
	if code, _ := do(t, http.MethodGet, srv.URL+"/metrics", token, ""); code != 401 {
		t.Fatalf("metrics with the booths' token: %d", code)
	}
	code, out := do(t, http.MethodGet, srv.URL+"/metrics", metricsToken, "")
	for _, want := range []string{
		`idbooth_intake_applications_total{outcome="created"} 1`,
		`idbooth_intake_applications_total{outcome="exists"} 1`,
		`idbooth_intake_applications_held 1`,
		`idbooth_intake_requests_total{code="204",route="PUT /v1/booths/{id}/status"} 1`,
		`idbooth_intake_booth_last_seen_timestamp_seconds{booth="nerima-01"}`,
		`idbooth_intake_booth_last_seen_timestamp_seconds{booth="booth-test-1"}`,
	} {
		if code != 200 || !strings.Contains(out, want) {
			t.Errorf("metrics: %d, missing %s", code, want)
		}
	}
}

// TestSQLiteRegistryAndExport: the SQLite backend's booth registry, per-day counts and export
// order (pgstore has the same test against PostgreSQL).
func TestSQLiteRegistryAndExport(t *testing.T) {
	ctx := context.Background()
	st, err := intake.OpenStore(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.Local)
	tok := intake.NewBoothToken()
	if err := st.AddBooth(ctx, "shibuya-01", intake.HashToken(tok), now); err != nil {
		t.Fatal(err)
	}
	if err := st.AddBooth(ctx, "shibuya-01", intake.HashToken(intake.NewBoothToken()), now); err != intake.ErrBoothExists {
		t.Fatalf("second add: %v", err)
	}
	if c, err := st.BoothByToken(ctx, intake.HashToken(tok)); err != nil || c.ID != "shibuya-01" || c.Revoked {
		t.Fatalf("by token: %+v %v", c, err)
	}
	if err := st.RevokeBooth(ctx, "shibuya-01", now); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.BoothByToken(ctx, intake.HashToken(tok)); !c.Revoked {
		t.Fatal("not revoked")
	}
	if err := st.RevokeBooth(ctx, "nowhere", now); err == nil {
		t.Fatal("revoked an unknown booth")
	}
	var uuids []string
	for i, ago := range []time.Duration{50 * time.Hour, 3 * time.Hour, 2 * time.Hour} {
		st.Now = func() time.Time { return now.Add(-ago) }
		a := application(i)
		uuids = append(uuids, a.UUID)
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	days, err := st.PerDay(ctx, 3, now)
	if err != nil || len(days) != 3 {
		t.Fatal(days, err)
	}
	total := 0
	for _, d := range days {
		total += d.Count
	}
	if days[0].Count != 1 || total != 3 {
		t.Fatalf("per day: %+v", days)
	}
	got, err := st.Received(ctx, intake.Cursor{}, now.Add(-150*time.Minute), 10)
	if err != nil || len(got) != 2 || got[0].UUID != uuids[0] || got[1].UUID != uuids[1] || len(got[1].PhotoJPEG) == 0 {
		t.Fatalf("received: %d %v", len(got), err)
	}
	rest, err := st.Received(ctx, intake.Cursor{At: got[1].At, UUID: got[1].UUID}, now, 10)
	if err != nil || len(rest) != 1 || rest[0].UUID != uuids[2] {
		t.Fatalf("after the cursor: %d %v", len(rest), err)
	}
}
