// Package systemd is how idbooth talks to systemd when it runs as a service: it says when it is
// ready, proves it is alive to the watchdog, and writes its log to the journal with fields.
// Outside systemd every call does nothing.
package systemd

import (
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Ready tells systemd that start-up is complete (Type=notify).
func Ready() { notify(daemon.SdNotifyReady) }

// Stopping tells systemd that the process is shutting down on purpose.
func Stopping() { notify(daemon.SdNotifyStopping) }

func notify(state string) {
	// Errors are not actionable: without a notify socket we are simply not under systemd.
	daemon.SdNotify(false, state) //nolint:errcheck
}

// WatchdogInterval is the unit's WatchdogSec, or 0 when no watchdog watches this process.
//
// daemon.SdWatchdogEnabled also requires WATCHDOG_PID to be this process. The kiosk runs as a
// child of cage, the unit's main process, and pings through NotifyAccess=all, so only the
// interval and a notify socket matter here.
func WatchdogInterval() time.Duration {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return 0
	}
	us, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || us <= 0 {
		return 0
	}
	return time.Duration(us) * time.Microsecond
}

// Watchdog pings systemd's watchdog when Beat is called, at most four times per interval, so a
// caller may beat from a fast loop. A process that stops beating is killed and restarted.
type Watchdog struct {
	interval time.Duration
	now      func() time.Time
	send     func(state string)

	mu   sync.Mutex
	last time.Time
}

// NewWatchdog returns the watchdog of this process, or nil when there is none (Beat on nil is a
// no-op).
func NewWatchdog() *Watchdog {
	iv := WatchdogInterval()
	if iv == 0 {
		return nil
	}
	return &Watchdog{interval: iv, now: time.Now, send: notify}
}

// Beat says the process is alive.
func (w *Watchdog) Beat() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	if now.Sub(w.last) < w.interval/4 {
		return
	}
	w.last = now
	w.send(daemon.SdNotifyWatchdog)
}
