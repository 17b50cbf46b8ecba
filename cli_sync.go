package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

func init() {
	commands["sync"] = command{summary: "send queued applications to the intake server", run: runSync}
}

// syncReport is the line `idbooth sync` prints when it ends.
type syncReport struct {
	upload.Result
	LastError string        `json:"last_error,omitempty"`
	Queue     storage.Stats `json:"queue"`
}

func runSync(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "sync", "--intake URL --token TOKEN [--ca FILE] [--booth ID] [--once]")
	intakeURL := fs.String("intake", "", "intake server base URL, https://host[:port] (env IDBOOTH_INTAKE_URL)")
	token := fs.String("token", "", "bearer token for the intake (env IDBOOTH_INTAKE_TOKEN)")
	caFile := fs.String("ca", "", "PEM file of CA certificates to trust for the intake, besides the system's")
	once := fs.Bool("once", false, "send every pending application now, ignoring backoff, and exit (0: all sent, 1: some are still waiting or failed)")
	timeout := fs.Duration("timeout", 60*time.Second, "time limit of one request")
	concurrency := fs.Int("concurrency", 4, "applications in flight at once")
	retention := fs.Duration("retention", booth.DefaultRetention, "keep personal data of sent applications this long (for reprints)")
	compactAfter := compactAfterFlag(fs)
	boothID := fs.String("booth", hostname(), "booth ID its status is reported as (PUT /v1/booths/{id}/status with every sync)")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() > 0 || *intakeURL == "" || *token == "" || *concurrency < 1 || *retention <= 0 {
		fs.Usage()
		return exitUsage
	}
	client, err := upload.NewClient(upload.ClientConfig{URL: *intakeURL, Token: *token, CAFile: *caFile,
		Timeout: *timeout, MaxConns: *concurrency})
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth sync:", err)
		return exitUsage
	}
	defer client.CloseIdle()
	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, MustExist: true,
		CompactAfter: compactAfter()})
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth sync:", err)
		return exitUsage
	}
	defer store.Close()
	w := &upload.Worker{Store: store, Target: client, Concurrency: *concurrency, Retention: *retention,
		Lease: max(5*time.Minute, 2**timeout), Fatal: storage.IsFatal, Log: slog.New(slog.NewTextHandler(env.stderr, nil))}

	var res upload.Result
	if *once {
		if err := w.Recover(ctx); err != nil {
			fmt.Fprintln(env.stderr, "idbooth sync:", err)
			return exitUsage
		}
		// An operator who runs it means now: applications waiting out a backoff go too.
		res = w.SyncNow(ctx)
		if _, err := store.Purge(ctx, *retention); err != nil {
			fmt.Fprintln(env.stderr, "idbooth sync: purge:", err)
		}
		reportStatus(ctx, w.Log, client, store, nil, nil, *boothID)
	} else {
		w.Report = func(ctx context.Context) { reportStatus(ctx, w.Log, client, store, nil, nil, *boothID) }
		if err := w.Run(ctx); err != nil {
			fmt.Fprintln(env.stderr, "idbooth sync:", err)
			return exitUsage
		}
	}
	st, err := store.Stats(context.WithoutCancel(ctx))
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth sync:", err)
		return exitUsage
	}
	report := syncReport{Result: res, Queue: st}
	if res.Err != nil {
		report.LastError = res.Err.Error()
	}
	printJSON(env.stdout, report)
	switch {
	case res.Err != nil && !isSendError(res.Err):
		return exitUsage // the queue itself failed
	case *once && (res.Failed > 0 || res.Retried > 0 || st.Pending+st.Sending > 0):
		return exitFailed
	}
	return exitOK
}

// isSendError tells a failure to deliver (exit 1) from a failure of the queue (exit 2).
func isSendError(err error) bool {
	for _, k := range []error{upload.ErrRefused, upload.ErrAuth, upload.ErrMalformedAnswer, upload.ErrTemporary} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
