package intake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/idbooth/idbooth/upload"
	"github.com/mattn/go-sqlite3"
)

// Server answers the booths' PUTs.
type Server struct {
	Store *Store
	// Token is the bearer token booths present.
	Token string
	// Log gets one line per refused request, without personal data. Default: discard.
	Log *slog.Logger
}

// Handler routes PUT /v1/applications/{uuid}, GET /v1/health (no token) and GET /v1/auth (the
// token is accepted: a booth's `idbooth doctor` asks).
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT "+upload.PathPrefix+"{uuid}", s.put)
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET "+upload.AuthPath, func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			s.refuse(w, http.StatusUnauthorized, "unauthorized", "missing or wrong bearer token")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return mux
}

func (s *Server) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	// Compare hashes so the comparison's time says nothing about the token's length either.
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.Token))
	return ok && s.Token != "" && subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		s.refuse(w, http.StatusUnauthorized, "unauthorized", "missing or wrong bearer token")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, upload.MaxRequestBytes)
	dec := json.NewDecoder(r.Body)
	// An unknown field is refused rather than dropped: nothing a booth sends is silently lost.
	dec.DisallowUnknownFields()
	var a upload.Application
	if err := dec.Decode(&a); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.refuse(w, http.StatusRequestEntityTooLarge, "too_large", "request body over the limit")
			return
		}
		s.refuse(w, http.StatusBadRequest, "bad_json", "body is not an application: "+jsonProblem(err))
		return
	}
	if dec.More() {
		s.refuse(w, http.StatusBadRequest, "bad_json", "trailing data after the application")
		return
	}
	if err := a.Validate(r.PathValue("uuid")); err != nil {
		var inv *upload.InvalidError
		if errors.As(err, &inv) {
			s.refuse(w, http.StatusBadRequest, inv.Code, inv.Detail)
			return
		}
		s.refuse(w, http.StatusBadRequest, "invalid", "invalid application")
		return
	}
	created, err := s.Store.Put(r.Context(), &a)
	switch {
	case errors.Is(err, ErrConflict):
		s.refuse(w, http.StatusConflict, "conflict", "this uuid is held with other content")
		return
	case err != nil:
		var se sqlite3.Error
		if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
			s.refuse(w, http.StatusInsufficientStorage, "storage_full", "intake storage is full")
			return
		}
		s.Log.Error("intake: store failed", "err", err)
		s.refuse(w, http.StatusInternalServerError, "storage_error", "could not store the application")
		return
	}
	status, code := upload.StatusExists, http.StatusOK
	if created {
		status, code = upload.StatusCreated, http.StatusCreated
	}
	writeJSON(w, code, upload.Answer{UUID: a.UUID, Status: status})
}

// jsonProblem describes a decoding error without quoting the payload (it may hold personal data).
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "syntax error"
	case errors.As(err, &typ):
		return "wrong type for " + typ.Field
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	default:
		return "unreadable"
	}
}

func (s *Server) refuse(w http.ResponseWriter, status int, code, msg string) {
	s.Log.Info("intake: refused", "status", status, "code", code)
	writeJSON(w, status, upload.ErrorAnswer{Code: code, Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
