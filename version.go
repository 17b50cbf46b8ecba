package main

import (
	"context"
	"fmt"

	"github.com/idbooth/idbooth/internal/version"
)

func init() {
	commands["version"] = command{summary: "print the version (also --version)", run: func(_ context.Context, env *cliEnv, _ []string) int {
		fmt.Fprintln(env.stdout, "idbooth", appVersion())
		return exitOK
	}}
}

// appVersion is this build's version: stamped by release builds, else FyneApp.toml's version
// and the git revision.
func appVersion() string {
	meta, _ := appMetadata()
	return version.String(meta.Version)
}
