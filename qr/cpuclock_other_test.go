//go:build !linux

package qr

import "time"

// cpuClock falls back to wall time where the process's CPU time is not at hand.
func cpuClock() time.Duration { return time.Since(epoch) }
