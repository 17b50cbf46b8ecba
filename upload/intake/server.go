package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake/metrics"
	"github.com/mattn/go-sqlite3"
)

// Server answers the booths' PUTs and status reports, and serves the fleet dashboard and the
// metrics when it has them.
type Server struct {
	// Store is where applications, booths and their status go: SQLite (*Store) or PostgreSQL
	// (pgstore).
	Store Backend
	// Token is the bearer token every booth may present (small set-ups); "" accepts only the
	// booths' own tokens (idbooth-intake booth add).
	Token string
	// Metrics, if set, counts requests, outcomes and booths' last-seen times, served at
	// GET /metrics to a bearer of MetricsToken.
	Metrics      *metrics.Metrics
	MetricsToken string
	// Dashboard, if set, serves the operators' fleet page under /fleet/.
	Dashboard http.Handler
	// Log gets the refused requests, without personal data: the first of a client, then one
	// line per client and code for each LogInterval (LogRefusals). Default: discard.
	Log *slog.Logger
	// LogInterval is the interval refusals are counted over. Default: a minute.
	LogInterval time.Duration
	// Now is the clock applications are judged by. Default: time.Now.
	Now func() time.Time

	decoding   *memBudget
	refusals   *refusalLog
	revokedLog onceEvery
}

// Handler routes PUT /v1/applications/{uuid}, GET /v1/health (no token) and GET /v1/auth (the
// token is accepted: a booth's `idbooth doctor` asks).
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.LogInterval == 0 {
		s.LogInterval = time.Minute
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.decoding = newMemBudget(decodeBudget)
	s.refusals = newRefusalLog(s.Log, s.LogInterval, s.Now)
	mux := http.NewServeMux()
	mux.HandleFunc("PUT "+upload.PathPrefix+"{uuid}", s.put)
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET "+upload.AuthPath, func(w http.ResponseWriter, r *http.Request) {
		if _, ref := s.authenticate(r); ref != nil {
			s.refuse(w, r, ref)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("PUT /v1/booths/{id}/status", s.putStatus)
	if s.Dashboard != nil {
		mux.Handle("/fleet/", s.Dashboard)
	}
	if s.Metrics == nil {
		return mux
	}
	mux.Handle("GET /metrics", s.metricsHandler())
	return s.Metrics.Instrument(mux)
}

func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	who, ref := s.authenticate(r)
	if ref != nil {
		s.refuse(w, r, ref)
		return
	}
	a, err := s.receive(w, r, who)
	if err != nil {
		var ref *Refusal
		if !errors.As(err, &ref) {
			s.Log.Error("intake: store failed", "err", err)
			ref = &Refusal{http.StatusInternalServerError, upload.CodeStorageError, "could not store the application"}
		}
		s.refuse(w, r, ref)
		return
	}
	status, code := upload.StatusExists, http.StatusOK
	if a.created {
		status, code = upload.StatusCreated, http.StatusCreated
	}
	outcome := metrics.Exists
	if a.created {
		outcome = metrics.Created
	}
	s.stored(outcome, a.Application)
	writeJSON(w, code, upload.Answer{UUID: a.UUID, Status: status})
}

type received struct {
	*upload.Application
	created bool
}

// receive reads, checks and stores one application. It returns a *Refusal for what the booth
// sent, another error for what went wrong here.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, who caller) (received, error) {
	// One allocation of the announced size (the limit bounds it); a chunked body grows.
	var buf bytes.Buffer
	buf.Grow(int(min(max(r.ContentLength, 0), upload.MaxRequestBytes)) + bytes.MinRead)
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, upload.MaxRequestBytes))
	body := buf.Bytes()
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return received{}, &Refusal{http.StatusRequestEntityTooLarge, upload.CodeTooLarge, "request body over the limit"}
		}
		return received{}, badJSON("request body could not be read")
	}
	a, err := DecodeApplication(body)
	if err != nil {
		return received{}, err
	}
	if !who.may(a.BoothID) {
		return received{}, &Refusal{http.StatusForbidden, upload.CodeBoothMismatch, "this booth's token is for another booth"}
	}
	if err := s.validate(r.Context(), a, r.PathValue("uuid")); err != nil {
		return received{}, err
	}
	created, err := s.Store.Put(r.Context(), a)
	var se sqlite3.Error
	switch {
	case errors.Is(err, ErrConflict):
		s.stored(metrics.Conflict, a)
		return received{}, &Refusal{http.StatusConflict, upload.CodeConflict, "this uuid is held with other content"}
	case errors.Is(err, ErrStorageFull), errors.As(err, &se) && se.Code == sqlite3.ErrFull:
		return received{}, &Refusal{http.StatusInsufficientStorage, upload.CodeStorageFull, "intake storage is full"}
	}
	return received{a, created}, err
}

// validate applies the contract's rules on this server's clock. Decoding the photo in full
// takes memory in proportion to the pixels its header claims: it waits for its share of
// decodeBudget.
func (s *Server) validate(ctx context.Context, a *upload.Application, pathUUID string) error {
	took, err := s.decoding.acquire(ctx, decodeCost(a.PhotoJPEG))
	if err != nil {
		return &Refusal{http.StatusServiceUnavailable, upload.CodeBusy, "the request ended while it waited"}
	}
	defer s.decoding.release(took)
	err = a.Validate(pathUUID, s.Now())
	var inv *upload.InvalidError
	if errors.As(err, &inv) {
		return &Refusal{http.StatusBadRequest, inv.Code, inv.Detail}
	}
	return err
}

// refuse answers a refusal and counts it in the log.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, ref *Refusal) {
	s.refusals.refused(clientOf(r), ref.Status, ref.Code)
	code := ref.Code
	if !upload.KnownCode(code) { // every code this server makes is known: a test keeps it so
		code = upload.CodeInvalid
	}
	writeJSON(w, ref.Status, upload.ErrorAnswer{Code: code, Error: ref.Text})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
