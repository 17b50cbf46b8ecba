package fleet_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/idbooth/idbooth/internal/testsupport/browser"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/fleet"
)

var now = time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)

// fixed is a Source of a fixed fleet: the dashboard's SQL sources are tested with their stores.
type fixed struct{ booths []fleet.Booth }

func (f fixed) Booths(context.Context) ([]fleet.Booth, error) { return f.booths, nil }

func (f fixed) PerDay(_ context.Context, days int, now time.Time) ([]fleet.Day, error) {
	var out []fleet.Day
	for i := days - 1; i >= 0; i-- {
		out = append(out, fleet.Day{Date: now.AddDate(0, 0, -i), Count: 40 + 7*((i*5)%9)})
	}
	return out, nil
}

func status(pending, failed int, oldest time.Duration, printer string) *upload.BoothStatus {
	s := &upload.BoothStatus{AppVersion: "1.4.2", Queue: upload.QueueDepth{Pending: pending, Sent: 812, Failed: failed},
		OldestPendingSeconds: int64(oldest / time.Second),
		PhotoCheck:           upload.Device{State: upload.DeviceOK, At: now.Add(-time.Hour)},
		Printer:              upload.Device{State: upload.DeviceOK}}
	if printer != "" {
		s.Printer = upload.Device{State: upload.DeviceError, Code: printer, At: now.Add(-20 * time.Minute)}
	}
	return s
}

func testFleet() fixed {
	return fixed{booths: []fleet.Booth{
		{ID: "shibuya-01", Registered: true, LastSeen: now.Add(-2 * time.Minute), Status: status(0, 0, 0, "")},
		{ID: "shibuya-02", Registered: true, LastSeen: now.Add(-5 * time.Minute), Status: status(2, 0, 3*time.Minute, "paper_out")},
		{ID: "nerima-01", Registered: true, LastSeen: now.Add(-26 * time.Hour), Status: status(14, 0, 27*time.Hour, "")},
		{ID: "nerima-02", Registered: true, LastSeen: now.Add(-23 * time.Hour), Status: status(1, 1, 0, "")},
		{ID: "setagaya-01", Registered: true, Revoked: true},
		{ID: "setagaya-02", Registered: true},
	}}
}

func TestAlerts(t *testing.T) {
	got := map[string]string{}
	for _, b := range testFleet().booths {
		got[b.ID] = strings.Join(fleet.Alerts(b, now), ",")
	}
	want := map[string]string{
		"shibuya-01": "", "shibuya-02": "printer", "nerima-01": "silent,backlog", "nerima-02": "failed",
		"setagaya-01": "revoked", "setagaya-02": "never_reported",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: alerts %q, want %q", id, got[id], w)
		}
	}
}

func newDashboard() *fleet.Dashboard {
	return &fleet.Dashboard{Source: testFleet(), Password: "operator-password-1", Now: func() time.Time { return now }}
}

// TestLogin: the page needs the operator's login; a wrong password and a forged or expired
// session are refused.
func TestLogin(t *testing.T) {
	d := newDashboard()
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func() (*http.Response, string) {
		resp, err := c.Get(srv.URL + "/fleet/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	if resp, _ := get(); resp.Request.URL.Path != "/fleet/login" {
		t.Fatalf("not logged in, ended at %s", resp.Request.URL.Path)
	}
	resp, err := c.PostForm(srv.URL+"/fleet/login", url.Values{"password": {"guess"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	u, _ := url.Parse(srv.URL + "/fleet/")
	jar.SetCookies(u, []*http.Cookie{{Name: "idbooth_fleet", Value: "9999999999.00ff", Path: "/fleet/"}})
	if resp, _ := get(); resp.Request.URL.Path != "/fleet/login" {
		t.Fatal("a forged session was taken")
	}
	if resp, err = c.PostForm(srv.URL+"/fleet/login", url.Values{"password": {"operator-password-1"}}); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, body := get()
	if resp.Request.URL.Path != "/fleet/" || !strings.Contains(body, "nerima-01") {
		t.Fatalf("after login: %s", resp.Request.URL.Path)
	}
	// Eight hours later the session has expired.
	d.Now = func() time.Time { return now.Add(fleet.SessionLength + time.Minute) }
	if resp, _ := get(); resp.Request.URL.Path != "/fleet/login" {
		t.Fatal("an expired session was taken")
	}
}

// TestDashboardInChromium logs in and reads the page in a real headless Chromium: the booth
// silent for 26 h is flagged, the one silent for 23 h is not. IDBOOTH_FLEET_SCREENSHOT=FILE
// keeps the screenshot (the README's picture).
func TestDashboardInChromium(t *testing.T) {
	srv := httptest.NewServer(newDashboard().Handler())
	defer srv.Close()
	ctx := browser.Start(t)
	if err := browser.LogIn(ctx, srv.URL+"/fleet/", "operator-password-1", "#fleet"); err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	silentRow, quietRow, silentCount := text("#booth-nerima-01"), text("#booth-nerima-02"), text("#silent")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(silentRow, "silent over 24 h") || !strings.Contains(silentRow, "26 h ago") {
		t.Errorf("the booth silent for 26 h is not flagged: %q", silentRow)
	}
	if strings.Contains(quietRow, "silent") {
		t.Errorf("the booth seen 23 h ago is flagged silent: %q", quietRow)
	}
	if strings.TrimSpace(silentCount) != "1" {
		t.Errorf("silent count %q, want 1", silentCount)
	}
	if len(shot) < 10_000 {
		t.Fatalf("screenshot of %d bytes", len(shot))
	}
	if p := os.Getenv("IDBOOTH_FLEET_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
