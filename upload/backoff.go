package upload

import (
	"math/rand/v2"
	"time"
)

// Backoff is capped exponential backoff with full jitter: after the n-th failed attempt the
// next one waits a uniformly random time in [0, min(Cap, Base·2^(n-1))]. Full jitter spreads
// the retries of a fleet of booths after an intake outage.
type Backoff struct {
	Base time.Duration
	Cap  time.Duration
}

// DefaultBackoff waits up to 5 s after the first failure and never more than 10 minutes.
var DefaultBackoff = Backoff{Base: 5 * time.Second, Cap: 10 * time.Minute}

// Delay is the wait after failed attempt number attempt (1 for the first).
func (b Backoff) Delay(attempt int) time.Duration {
	limit := b.Base
	for i := 1; i < attempt && limit < b.Cap; i++ {
		limit *= 2
	}
	limit = min(limit, b.Cap)
	if limit <= 0 {
		return 0
	}
	return rand.N(limit + 1)
}
