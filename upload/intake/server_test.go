package intake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/intaketest"
)

const token = "s3cret-token"

func startServer(t *testing.T) (*httptest.Server, *intake.Store) { return intaketest.Start(t, token) }

func application(i int) *upload.Application {
	a := storagetest.Application(i, storagetest.Photo(600, 800, 0, uint64(i)))
	// Queued a minute ago: the intake judges created_at against its own clock.
	a.UUID, a.Receipt, a.CreatedAt = booth.NewUUID(), "ABCD-EFGH", time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	return upload.FromApplication(a)
}

// put sends body to /v1/applications/uuid and returns the status and the decoded answer code.
func put(t *testing.T, srv *httptest.Server, uuid, auth string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, srv.URL+upload.PathPrefix+uuid, bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	json.NewDecoder(resp.Body).Decode(&m)
	if m["code"] != "" {
		return resp.StatusCode, m["code"]
	}
	return resp.StatusCode, m["status"]
}

func TestServerAnswers(t *testing.T) {
	srv, st := startServer(t)
	a := application(1)
	body, _ := json.Marshal(a)
	bearer := "Bearer " + token
	other := application(2)
	other.UUID = a.UUID
	otherBody, _ := json.Marshal(other)
	unknownField := bytes.Replace(body, []byte(`"uuid"`), []byte(`"shoe_size":44,"uuid"`), 1)
	huge := append([]byte(`{"uuid":"`), bytes.Repeat([]byte("9"), upload.MaxRequestBytes+10)...)

	steps := []struct {
		name       string
		uuid, auth string
		body       []byte
		status     int
		code       string
	}{
		{"no token", a.UUID, "", body, 401, "unauthorized"},
		{"wrong token", a.UUID, "Bearer nope", body, 401, "unauthorized"},
		{"token prefix", a.UUID, "Bearer " + token[:5], body, 401, "unauthorized"},
		{"not JSON", a.UUID, bearer, []byte("form_id=1"), 400, "bad_json"},
		{"unknown field", a.UUID, bearer, unknownField, 400, "bad_json"},
		{"too large", a.UUID, bearer, huge, 413, "too_large"},
		{"path uuid differs", booth.NewUUID(), bearer, body, 400, "uuid_mismatch"},
		{"created", a.UUID, bearer, body, 201, "created"},
		{"again", a.UUID, bearer, body, 200, "exists"},
		{"other content", a.UUID, bearer, otherBody, 409, "conflict"},
	}
	for _, s := range steps {
		if status, code := put(t, srv, s.uuid, s.auth, s.body); status != s.status || code != s.code {
			t.Errorf("%s: %d %s, want %d %s", s.name, status, code, s.status, s.code)
		}
	}
	if n, _ := st.Count(context.Background()); n != 1 {
		t.Fatalf("intake holds %d applications, want 1", n)
	}
	got, err := st.Get(context.Background(), a.UUID)
	if err != nil || got.ContentHash() != a.ContentHash() {
		t.Fatalf("stored content differs: %v", err)
	}
}

func TestRefusalsDoNotEchoPersonalData(t *testing.T) {
	srv, _ := startServer(t)
	a := application(3)
	a.BirthDate = "1990-02-30"
	body, _ := json.Marshal(a)
	req, _ := http.NewRequest(http.MethodPut, srv.URL+upload.PathPrefix+a.UUID, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode != 400 || strings.Contains(buf.String(), a.FormID) || strings.Contains(buf.String(), "1990") {
		t.Fatalf("%d %s", resp.StatusCode, buf.String())
	}
}
