package qr

import (
	"time"

	"golang.org/x/sys/unix"
)

// cpuClock is the process's CPU time. The live reader's budget is wall time on the booth,
// where the kiosk has a core to itself; on a shared machine (other jobs, a loaded CI runner)
// wall time says more about the neighbours than about the reader, so the tests and benchmarks
// that time it also measure what a frame costs on a core of its own: the CPU time it takes.
func cpuClock() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return time.Since(epoch)
	}
	return time.Duration(ts.Nano())
}
