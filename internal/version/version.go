// Package version says which build of idbooth is running. Release builds (make build, make deb)
// stamp it at link time:
//
//	go build -ldflags "-X github.com/idbooth/idbooth/internal/version.stamp=$(scripts/version)"
//
// A plain `go build` or `go test` leaves it unstamped and String works it out.
package version

import "runtime/debug"

// stamp is the version scripts/version printed for this build, or empty.
var stamp string

// String is the stamped version; unstamped, release (FyneApp.toml's version, when the caller
// has it) followed by "+dev" and the git revision the build info records.
func String(release string) string {
	if stamp != "" {
		return stamp
	}
	if release == "" {
		release = "0.0.0"
	}
	return release + devSuffix()
}

// devSuffix is "+dev.<revision>[.dirty]" from the build's VCS stamp, or "+dev" without one
// (go build -buildvcs=false, or outside a checkout).
func devSuffix() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "+dev"
	}
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "+dev"
	}
	s := "+dev." + rev[:min(7, len(rev))]
	if dirty {
		s += ".dirty"
	}
	return s
}
