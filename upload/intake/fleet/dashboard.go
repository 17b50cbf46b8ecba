package fleet

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed page.html
var pageFS embed.FS

var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"ago":   ago,
	"words": alertWords,
	"pct":   func(n, maxN int) int { return 70 * n / maxN },
	"secs": func(s int64) string {
		if s == 0 {
			return "-"
		}
		return (time.Duration(s) * time.Second).String()
	},
}).ParseFS(pageFS, "page.html"))

// Dashboard serves the fleet page under /fleet/ behind the operator's password. Sessions are
// signed cookies, keyed from the password, so every intake replica accepts them and changing
// the password ends them all.
type Dashboard struct {
	Source   Source
	Password string
	// Secure marks the session cookie HTTPS-only (set when the intake serves TLS).
	Secure bool
	Log    *slog.Logger
	Now    func() time.Time
	// Days of applications per day shown. Default 14.
	Days int
}

// SessionLength is how long a login lasts.
const SessionLength = 8 * time.Hour

const cookieName = "idbooth_fleet"

// Handler routes GET /fleet/ (the page), GET and POST /fleet/login, POST /fleet/logout.
func (d *Dashboard) Handler() http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Days == 0 {
		d.Days = 14
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fleet/{$}", d.page)
	mux.HandleFunc("GET /fleet/login", func(w http.ResponseWriter, r *http.Request) { d.login(w, "") })
	mux.HandleFunc("POST /fleet/login", d.postLogin)
	mux.HandleFunc("POST /fleet/logout", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/fleet/", MaxAge: -1, HttpOnly: true, Secure: d.Secure, SameSite: http.SameSiteStrictMode})
		http.Redirect(w, r, "/fleet/login", http.StatusSeeOther)
	})
	return secureHeaders(mux)
}

func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

func (d *Dashboard) key() []byte {
	m := hmac.New(sha256.New, []byte(d.Password))
	m.Write([]byte("idbooth fleet session"))
	return m.Sum(nil)
}

// session is "EXPIRY.MAC" with EXPIRY in Unix seconds.
func (d *Dashboard) session(expiry time.Time) string {
	e := strconv.FormatInt(expiry.Unix(), 10)
	m := hmac.New(sha256.New, d.key())
	m.Write([]byte(e))
	return e + "." + hex.EncodeToString(m.Sum(nil))
}

func (d *Dashboard) loggedIn(r *http.Request) bool {
	c, err := r.Cookie(cookieName)
	if err != nil || d.Password == "" {
		return false
	}
	e, _, ok := strings.Cut(c.Value, ".")
	unix, err := strconv.ParseInt(e, 10, 64)
	if !ok || err != nil || !d.Now().Before(time.Unix(unix, 0)) {
		return false
	}
	return hmac.Equal([]byte(c.Value), []byte(d.session(time.Unix(unix, 0))))
}

func (d *Dashboard) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	got := r.PostFormValue("password")
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(d.Password))
	if d.Password == "" || subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		d.Log.Info("fleet: operator login refused")
		time.Sleep(500 * time.Millisecond) // slows guessing
		d.login(w, "Wrong password.")
		return
	}
	expiry := d.Now().Add(SessionLength)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: d.session(expiry), Path: "/fleet/", Expires: expiry,
		HttpOnly: true, Secure: d.Secure, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/fleet/", http.StatusSeeOther)
}

func (d *Dashboard) login(w http.ResponseWriter, problem string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	status := http.StatusOK
	if problem != "" {
		status = http.StatusUnauthorized
	}
	w.WriteHeader(status)
	page.ExecuteTemplate(w, "login", map[string]string{"Problem": problem})
}

// row is a booth as the page shows it.
type row struct {
	Booth
	Alerts []string
}

type view struct {
	Now           time.Time
	Rows          []row
	Days          []Day
	MaxDay        int
	Booths        int
	WithAlerts    int
	Silent        int
	Pending       int
	TotalReceived int
}

func (d *Dashboard) page(w http.ResponseWriter, r *http.Request) {
	if !d.loggedIn(r) {
		http.Redirect(w, r, "/fleet/login", http.StatusSeeOther)
		return
	}
	now := d.Now()
	booths, err := d.Source.Booths(r.Context())
	if err != nil {
		d.Log.Error("fleet: booths", "err", err)
		http.Error(w, "could not read the booths", http.StatusInternalServerError)
		return
	}
	days, err := d.Source.PerDay(r.Context(), d.Days, now)
	if err != nil {
		d.Log.Error("fleet: per day", "err", err)
		http.Error(w, "could not count the applications", http.StatusInternalServerError)
		return
	}
	v := view{Now: now, Days: days, Booths: len(booths)}
	for _, b := range booths {
		rw := row{Booth: b, Alerts: Alerts(b, now)}
		if len(rw.Alerts) > 0 {
			v.WithAlerts++
		}
		for _, a := range rw.Alerts {
			if a == AlertSilent {
				v.Silent++
			}
		}
		if b.Status != nil {
			v.Pending += b.Status.Queue.Pending + b.Status.Queue.Sending
		}
		v.Rows = append(v.Rows, rw)
	}
	// Booths with alerts first, then by ID.
	sort.SliceStable(v.Rows, func(i, j int) bool {
		ai, aj := len(v.Rows[i].Alerts) > 0, len(v.Rows[j].Alerts) > 0
		if ai != aj {
			return ai
		}
		return v.Rows[i].ID < v.Rows[j].ID
	})
	for _, day := range days {
		v.MaxDay = max(v.MaxDay, day.Count)
		v.TotalReceived += day.Count
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.ExecuteTemplate(w, "page.html", v); err != nil {
		d.Log.Error("fleet: page", "err", err)
	}
}

// ago says how long before now t was, coarsely.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

var alertText = map[string]string{
	AlertSilent:        "silent over 24 h",
	AlertNeverReported: "never reported",
	AlertRevoked:       "revoked",
	AlertPrinter:       "printer",
	AlertCamera:        "camera",
	AlertFailed:        "failed applications",
	AlertBacklog:       "old unsent applications",
}

func alertWords(code string) string {
	if s, ok := alertText[code]; ok {
		return s
	}
	return code
}
