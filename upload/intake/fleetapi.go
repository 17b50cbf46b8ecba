package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/upload"
)

// maxStatusBytes bounds a status report's body.
const maxStatusBytes = 16 << 10

// putStatus keeps a booth's status report (PUT /v1/booths/{id}/status): 204 when stored.
func (s *Server) putStatus(w http.ResponseWriter, r *http.Request) {
	who, ref := s.authenticate(r)
	if ref != nil {
		s.refuse(w, r, ref)
		return
	}
	id := r.PathValue("id")
	if !validBoothID(id) {
		s.refuse(w, r, &Refusal{http.StatusBadRequest, "bad_booth", "not a booth ID"})
		return
	}
	if !who.may(id) {
		s.refuse(w, r, &Refusal{http.StatusForbidden, upload.CodeBoothMismatch, "this booth's token is for another booth"})
		return
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxStatusBytes)); err != nil {
		s.refuse(w, r, &Refusal{http.StatusRequestEntityTooLarge, upload.CodeTooLarge, "status report over the limit or cut short"})
		return
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields() // nothing else rides in a status report
	var st upload.BoothStatus
	if err := dec.Decode(&st); err != nil || dec.More() {
		s.refuse(w, r, badJSON("body is not one status report"))
		return
	}
	if err := st.Validate(); err != nil {
		var inv *upload.InvalidError
		errors.As(err, &inv)
		s.refuse(w, r, &Refusal{http.StatusBadRequest, upload.CodeBadStatus, inv.Detail})
		return
	}
	now := s.Now()
	if err := s.Store.PutStatus(r.Context(), id, &st, now); err != nil {
		s.Log.Error("intake: status not stored", "booth", id, "err", err)
		s.refuse(w, r, &Refusal{http.StatusInternalServerError, upload.CodeStorageError, "could not store the status"})
		return
	}
	if s.Metrics != nil {
		s.Metrics.Seen(id, now)
	}
	w.WriteHeader(http.StatusNoContent)
}

// validBoothID: the booth rule's length (booth.MaxBoothIDBytes), valid UTF-8, no control or
// space characters, nothing that needs escaping in a path.
func validBoothID(id string) bool {
	if id == "" || len(id) > booth.MaxBoothIDBytes || !utf8.ValidString(id) || strings.ContainsAny(id, "/?#%") {
		return false
	}
	return strings.IndexFunc(id, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) < 0
}

// stored counts an application's outcome (metrics.Created, Exists, Conflict) and its booth's
// visit.
func (s *Server) stored(outcome string, a *upload.Application) {
	if s.Metrics == nil {
		return
	}
	s.Metrics.Stored(outcome, len(a.PhotoJPEG))
	s.Metrics.Seen(a.BoothID, s.Now())
}

// metricsHandler serves the metrics to a bearer of MetricsToken (Prometheus's
// authorization.credentials); without one, to nobody.
func (s *Server) metricsHandler() http.Handler {
	h := s.Metrics.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got, ok := bearer(r); !ok || !sameToken(got, s.MetricsToken) {
			s.refuse(w, r, &Refusal{http.StatusUnauthorized, upload.CodeUnauthorized, "missing or wrong bearer token"})
			return
		}
		h.ServeHTTP(w, r)
	})
}
