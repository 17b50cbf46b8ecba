package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/upload/intake/metrics"
)

func TestMetrics(t *testing.T) {
	m := metrics.New(func(context.Context) (int, error) { return 42, nil }, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/applications/{uuid}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("uuid") == "bad" {
			w.WriteHeader(http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	mux.Handle("GET /metrics", m.Handler())
	srv := httptest.NewServer(m.Instrument(mux))
	defer srv.Close()
	do := func(method, path string) string {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	do("PUT", "/v1/applications/a")
	do("PUT", "/v1/applications/b")
	do("PUT", "/v1/applications/bad")
	do("GET", "/nowhere")
	m.Stored(metrics.Created, 300_000)
	m.Stored(metrics.Created, 200_000)
	m.Stored(metrics.Exists, 300_000)
	m.Seen("shibuya-01", time.Unix(1764400000, 0))
	out := do("GET", "/metrics")
	for _, want := range []string{
		`idbooth_intake_requests_total{code="201",route="PUT /v1/applications/{uuid}"} 2`,
		`idbooth_intake_requests_total{code="409",route="PUT /v1/applications/{uuid}"} 1`,
		`idbooth_intake_requests_total{code="404",route="other"} 1`,
		`idbooth_intake_request_duration_seconds_count{code="201",route="PUT /v1/applications/{uuid}"} 2`,
		`idbooth_intake_applications_total{outcome="created"} 2`,
		`idbooth_intake_applications_total{outcome="exists"} 1`,
		`idbooth_intake_applications_total{outcome="conflict"} 0`,
		`idbooth_intake_photo_bytes_total 500000`,
		`idbooth_intake_applications_held 42`,
		`idbooth_intake_booth_last_seen_timestamp_seconds{booth="shibuya-01"} 1.7644e+09`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}
