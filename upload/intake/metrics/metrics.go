// Package metrics is the intake's /metrics for Prometheus: requests and their latency by route
// and answer, applications stored by outcome, photo bytes, applications held, and each booth's
// last-seen time. Labels carry routes, status codes, outcomes and booth IDs: never personal data.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the intake's collectors in their own registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	stored   *prometheus.CounterVec
	bytes    prometheus.Counter
	lastSeen *prometheus.GaugeVec
}

// Outcomes of a PUT of an application, for Stored.
const (
	Created  = "created"
	Exists   = "exists"
	Conflict = "conflict"
)

// New makes the collectors. held counts the applications held (asked at each scrape, bounded
// by a few seconds); log gets its failures.
func New(held func(ctx context.Context) (int, error), log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "idbooth_intake_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "idbooth_intake_request_duration_seconds", Help: "HTTP request latency by route and status code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "code"}),
		stored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "idbooth_intake_applications_total", Help: "Applications received, by outcome (created, exists, conflict).",
		}, []string{"outcome"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "idbooth_intake_photo_bytes_total", Help: "Bytes of the photos of the applications created.",
		}),
		lastSeen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "idbooth_intake_booth_last_seen_timestamp_seconds", Help: "When each booth last reached this intake (Unix time).",
		}, []string{"booth"}),
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	heldGauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "idbooth_intake_applications_held", Help: "Distinct applications held.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, err := held(ctx)
		if err != nil {
			log.Warn("metrics: count", "err", err)
			return -1
		}
		return float64(n)
	})
	m.reg.MustRegister(m.requests, m.latency, m.stored, m.bytes, m.lastSeen, heldGauge,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{Created, Exists, Conflict} {
		m.stored.WithLabelValues(o) // present from the start, at 0
	}
	return m
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Stored counts an application's outcome; photoBytes counts for created ones.
func (m *Metrics) Stored(outcome string, photoBytes int) {
	m.stored.WithLabelValues(outcome).Inc()
	if outcome == Created {
		m.bytes.Add(float64(photoBytes))
	}
}

// Seen records that a booth reached the intake at t.
func (m *Metrics) Seen(booth string, t time.Time) {
	m.lastSeen.WithLabelValues(booth).Set(float64(t.UnixNano()) / 1e9)
}

// Instrument counts and times every request h serves, labelled by the route pattern that
// http.ServeMux matched inside h ("other" when none did) and the status code.
func (m *Metrics) Instrument(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		code := strconv.Itoa(rec.code)
		m.requests.WithLabelValues(route, code).Inc()
		m.latency.WithLabelValues(route, code).Observe(time.Since(start).Seconds())
	})
}

type recorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
