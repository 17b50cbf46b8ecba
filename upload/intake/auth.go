package intake

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/idbooth/idbooth/upload"
)

// caller is who sent a request: a registered booth (Booth set) or a holder of the shared token.
type caller struct {
	Booth string
}

// authenticate checks the bearer token: the shared one, or a booth's own.
// A revoked booth is refused alone, with its ID in the log.
func (s *Server) authenticate(r *http.Request) (caller, *Refusal) {
	unauthorized := &Refusal{http.StatusUnauthorized, upload.CodeUnauthorized, "missing or wrong bearer token"}
	got, ok := bearer(r)
	if !ok {
		return caller{}, unauthorized
	}
	if sameToken(got, s.Token) {
		return caller{}, nil
	}
	if !strings.HasPrefix(got, BoothTokenPrefix) {
		return caller{}, unauthorized
	}
	c, err := s.Store.BoothByToken(r.Context(), HashToken(got))
	switch {
	case errors.Is(err, ErrNoBooth):
		return caller{}, unauthorized
	case err != nil:
		s.Log.Error("intake: booth registry", "err", err)
		return caller{}, &Refusal{http.StatusServiceUnavailable, upload.CodeBusy, "could not check the token"}
	case c.Revoked:
		if s.revokedLog.due(c.ID, s.Now(), s.LogInterval) {
			s.Log.Warn("intake: revoked booth refused", "booth", c.ID, "client", clientOf(r))
		}
		return caller{}, &Refusal{http.StatusForbidden, upload.CodeBoothRevoked, "this booth's token is revoked"}
	}
	return caller{Booth: c.ID}, nil
}

// onceEvery says whether something about key is due to be logged: the first time, then once
// per interval (a revoked booth retries; the log says so once a minute, not at every retry).
// The keys are registered booths, so the map stays as small as the fleet.
type onceEvery struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (o *onceEvery) due(key string, now time.Time, interval time.Duration) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.last == nil {
		o.last = map[string]time.Time{}
	}
	if t, ok := o.last[key]; ok && now.Sub(t) < interval {
		return false
	}
	o.last[key] = now
	return true
}

// bearer is the token of the Authorization header: the Bearer scheme, case-insensitively and
// after one or more spaces (RFC 9110 §11.1, §11.4).
func bearer(r *http.Request) (string, bool) {
	scheme, got, found := strings.Cut(r.Header.Get("Authorization"), " ")
	got = strings.TrimLeft(got, " ")
	return got, found && strings.EqualFold(scheme, "Bearer") && got != ""
}

// sameToken compares a presented token with an expected one ("" matches nothing). It compares
// hashes, so the comparison's time says nothing about the token's length either.
func sameToken(got, want string) bool {
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return want != "" && subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// may reports whether the caller may act for booth id: the shared token for any booth, a
// booth's own token only for itself.
func (c caller) may(id string) bool { return c.Booth == "" || c.Booth == id }
