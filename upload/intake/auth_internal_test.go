package intake

import (
	"testing"
	"time"
)

func TestOnceEvery(t *testing.T) {
	var o onceEvery
	t0 := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		key  string
		at   time.Duration
		want bool
	}{
		{"booth-b", 0, true}, {"booth-b", 10 * time.Second, false}, {"booth-c", 10 * time.Second, true},
		{"booth-b", 59 * time.Second, false}, {"booth-b", 61 * time.Second, true}, {"booth-b", 62 * time.Second, false},
	} {
		if got := o.due(c.key, t0.Add(c.at), time.Minute); got != c.want {
			t.Errorf("%s at %v: %v, want %v", c.key, c.at, got, c.want)
		}
	}
}
