package main

import (
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // profiles for operators who ask for them
	"os"
)

// startProfiler serves Go's profiles on IDBOOTH_PPROF (a loopback address such as
// 127.0.0.1:6060) when set: memory and CPU diagnostics for a booth that misbehaves.
func startProfiler() {
	addr := os.Getenv("IDBOOTH_PPROF")
	if addr == "" {
		return
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		slog.Warn("IDBOOTH_PPROF must be a loopback address: profiler not started", "addr", addr)
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Warn("profiler stopped", "err", err)
		}
	}()
}
