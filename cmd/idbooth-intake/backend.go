package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/pgstore"
	"github.com/idbooth/idbooth/upload/intake/photostore"
)

// envPrefix names the intake's environment variables: IDBOOTH_INTAKE_ + the flag. The booth's
// own are IDBOOTH_ + the flag, and both may run on one machine (IDBOOTH_DB is the booth's queue).
const envPrefix = "IDBOOTH_INTAKE_"

// backendFlags say where the intake keeps its state: SQLite in --data (the default), or
// PostgreSQL (--db postgres://...) with the photos in --photos (a directory, or
// s3://bucket/prefix with the --s3-* flags). Every flag can also come from the environment
// (IDBOOTH_INTAKE_DB, IDBOOTH_INTAKE_S3_SECRET_KEY, ...) or the config file.
type backendFlags struct {
	data, db, photos                      *string
	s3Endpoint, s3Access, s3Secret, s3Reg *string
	s3Insecure                            *bool
}

func addBackendFlags(fset *flag.FlagSet) *backendFlags {
	return &backendFlags{
		data:       fset.String("data", "", "data directory: the SQLite database (default backend), and photos of --db unless --photos says otherwise"),
		db:         fset.String("db", "", "PostgreSQL URL (postgres://user@host/db?...) instead of SQLite in --data; several intakes may share it"),
		photos:     fset.String("photos", "", "with --db: where photos go, a directory or s3://bucket/prefix (default DATA/photos)"),
		s3Endpoint: fset.String("s3-endpoint", "", "host:port of the S3 API for --photos s3://..."),
		s3Access:   fset.String("s3-access-key", "", "S3 access key"),
		s3Secret:   fset.String("s3-secret-key", "", "S3 secret key (prefer the environment: IDBOOTH_INTAKE_S3_SECRET_KEY)"),
		s3Reg:      fset.String("s3-region", "", "S3 region, if the store wants one"),
		s3Insecure: fset.Bool("s3-insecure", false, "talk plain HTTP to the S3 endpoint (a loopback or private endpoint only)"),
	}
}

// check reports a missing or contradictory choice before anything is opened.
func (b *backendFlags) check() error {
	switch {
	case *b.db == "" && *b.data == "":
		return errors.New("--data (SQLite) or --db (PostgreSQL) is required")
	case *b.db == "" && *b.photos != "":
		return errors.New("--photos goes with --db: with SQLite the photos are in the database")
	case *b.db != "" && !strings.HasPrefix(*b.db, "postgres://") && !strings.HasPrefix(*b.db, "postgresql://"):
		return errors.New("--db takes a postgres:// URL")
	case *b.db != "" && *b.photos == "" && *b.data == "":
		return errors.New("with --db, --photos (or --data for DATA/photos) is required")
	}
	return nil
}

// photoStore opens the photos of the PostgreSQL backend.
func (b *backendFlags) photoStore(ctx context.Context) (photostore.Store, error) {
	loc := *b.photos
	if loc == "" {
		loc = filepath.Join(*b.data, "photos")
	}
	return photostore.Open(ctx, loc, photostore.Options{Endpoint: *b.s3Endpoint, AccessKey: *b.s3Access,
		SecretKey: *b.s3Secret, Region: *b.s3Reg, Insecure: *b.s3Insecure})
}

// open opens the backend. mustExist: an SQLite database must already be there (commands that
// only read or administer must not create an empty intake where the operator mistyped).
func (b *backendFlags) open(ctx context.Context, mustExist bool) (intake.Backend, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	if *b.db == "" {
		if mustExist {
			if _, err := os.Stat(filepath.Join(*b.data, intake.DBFile)); err != nil {
				return nil, fmt.Errorf("no intake database in %s: %w", *b.data, err)
			}
		}
		return intake.OpenStore(ctx, *b.data)
	}
	photos, err := b.photoStore(ctx)
	if err != nil {
		return nil, err
	}
	return pgstore.Open(ctx, *b.db, photos)
}
