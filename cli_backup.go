package main

import (
	"context"
	"fmt"
	"os"

	"github.com/idbooth/idbooth/storage"
)

func init() {
	commands["backup"] = command{summary: "copy the queue to a file while it is in use, still encrypted", run: runBackup}
	commands["restore"] = command{summary: "put a backup back as the queue (needs the queue's key)", run: runRestore}
}

// backupResult is the one JSON line of `idbooth backup` and `idbooth restore`.
type backupResult struct {
	Backup   string `json:"backup,omitempty"`
	Restored string `json:"restored,omitempty"`
	Bytes    int64  `json:"bytes,omitempty"`
	// Replaced is where restore kept the queue it replaced (in the backup directory).
	Replaced string         `json:"replaced,omitempty"`
	Queue    *storage.Stats `json:"queue,omitempty"`
}

func runBackup(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "backup", "--out FILE")
	out := fs.String("out", "", "the backup file to write (it must not exist); it opens only with the queue's key, so keep the key apart from it")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() > 0 || *out == "" {
		fs.Usage()
		return exitUsage
	}
	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key, MustExist: true})
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth backup:", err)
		return exitUsage
	}
	defer store.Close()
	if err := store.Backup(ctx, *out); err != nil {
		fmt.Fprintln(env.stderr, "idbooth backup:", err)
		return exitUsage
	}
	res := backupResult{Backup: *out}
	if fi, err := os.Stat(*out); err == nil {
		res.Bytes = fi.Size()
	}
	printJSON(env.stdout, res)
	return exitOK
}

func runRestore(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "restore", "[--db FILE --key FILE] BACKUP\n"+
		"Replaces the queue with BACKUP (made by `idbooth backup` or taken before an upgrade), after checking\n"+
		"that it is a sound queue the key opens; the queue it replaces is kept in the backup directory beside it.")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	cfg := storage.Config{Path: common.db, KeyFile: common.key}
	replaced, err := storage.Restore(ctx, cfg, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth restore:", err)
		return exitUsage
	}
	// Opened as every command opens it: a backup of an earlier schema is migrated now (after a
	// backup of its own).
	cfg.MustExist = true
	store, err := storage.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth restore:", err)
		return exitUsage
	}
	defer store.Close()
	st, err := store.Stats(ctx)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth restore:", err)
		return exitUsage
	}
	printJSON(env.stdout, backupResult{Restored: fs.Arg(0), Replaced: replaced, Queue: &st})
	return exitOK
}
