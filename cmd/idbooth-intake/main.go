// Command idbooth-intake is the reference intake server an operator runs centrally for a small
// fleet of booths (README.md):
//
//	idbooth-intake serve --listen ADDR --data DIR [--tls-cert FILE --tls-key FILE] [--token T | --token-file F]
//	idbooth-intake count --data DIR
//
// serve answers PUT /v1/applications/{uuid} only once the application is durable. It serves
// plain HTTP only on a loopback address and refuses to start without TLS otherwise.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/idbooth/idbooth/config"
	"github.com/idbooth/idbooth/internal/systemd"
	"github.com/idbooth/idbooth/internal/version"
	"github.com/idbooth/idbooth/upload/intake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  idbooth-intake serve --listen ADDR --data DIR [--tls-cert FILE --tls-key FILE] [--token TOKEN | --token-file FILE] [--config FILE]
  idbooth-intake count --data DIR
  idbooth-intake --version
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "count":
		return count(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, "idbooth-intake", version.String(""))
		return 0
	}
	fmt.Fprintf(stderr, "idbooth-intake: unknown command %q\n%s", args[0], usage)
	return 2
}

func count(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("idbooth-intake count", flag.ContinueOnError)
	fset.SetOutput(stderr)
	data := fset.String("data", "", "data directory of the intake")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if *data == "" {
		fmt.Fprintln(stderr, "idbooth-intake count: --data is required")
		return 2
	}
	// Counting must not create an empty intake where the operator mistyped the directory.
	if _, err := os.Stat(filepath.Join(*data, intake.DBFile)); err != nil {
		fmt.Fprintf(stderr, "idbooth-intake count: no intake database in %s: %v\n", *data, err)
		return 2
	}
	st, err := intake.OpenStore(ctx, *data)
	if err != nil {
		fmt.Fprintln(stderr, "idbooth-intake count:", err)
		return 2
	}
	defer st.Close()
	n, err := st.Count(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "idbooth-intake count:", err)
		return 2
	}
	fmt.Fprintln(stdout, n)
	return 0
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("idbooth-intake serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	listen := fset.String("listen", "127.0.0.1:8443", "address to listen on")
	data := fset.String("data", "", "data directory (the SQLite database lives here)")
	certFile := fset.String("tls-cert", "", "TLS certificate chain (PEM)")
	keyFile := fset.String("tls-key", "", "TLS private key (PEM)")
	token := fset.String("token", os.Getenv("IDBOOTH_INTAKE_TOKEN"), "bearer token booths present (env IDBOOTH_INTAKE_TOKEN)")
	tokenFile := fset.String("token-file", "", "file holding the bearer token")
	cfgFile := fset.String("config", os.Getenv("IDBOOTH_INTAKE_CONFIG"), "config file of \"name = value\" lines, one per flag (env IDBOOTH_INTAKE_CONFIG)")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "idbooth-intake serve: "+format+"\n", a...)
		return 2
	}
	// A flag wins over the environment (IDBOOTH_<FLAG>), which wins over the config file.
	file, err := config.ReadFile(*cfgFile)
	if err != nil {
		return fail("%v", err)
	}
	if err := config.Apply(fset, file); err != nil {
		return fail("%v", err)
	}
	if *data == "" {
		return fail("--data is required")
	}
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return fail("token file: %v", err)
		}
		*token = strings.TrimSpace(string(b))
	}
	if len(*token) < 16 {
		return fail("a token of at least 16 characters is required (--token or --token-file)")
	}
	useTLS := *certFile != "" || *keyFile != ""
	if useTLS && (*certFile == "" || *keyFile == "") {
		return fail("--tls-cert and --tls-key go together")
	}
	if !useTLS && !loopback(*listen) {
		return fail("refusing plain HTTP on %s: booths send personal data; give --tls-cert and --tls-key, or listen on a loopback address", *listen)
	}
	// The certificate and key are loaded before anything is created or announced: an intake
	// that says it listens can serve.
	var tlsConfig *tls.Config
	if useTLS {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return fail("TLS certificate and key: %v", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	st, err := intake.OpenStore(ctx, *data)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if h := systemd.LogHandler("idbooth-intake", slog.LevelInfo); h != nil {
		log = slog.New(h) // under systemd: the journal, a field per attribute
	}
	is := &intake.Server{Store: st, Token: *token, Log: log}
	srv := &http.Server{
		Handler:           is.Handler(),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          is.ErrorLog(), // TLS handshake failures counted with the refusals
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fail("%v", err)
	}
	logCtx, stopLog := context.WithCancel(context.Background())
	logged := make(chan struct{})
	go func() { is.LogRefusals(logCtx); close(logged) }()
	// The refusals still counted are written when serve returns, after the last request.
	defer func() { stopLog(); <-logged }()
	served := make(chan error, 1)
	go func() {
		if useTLS {
			served <- srv.ServeTLS(ln, "", "") // the certificate is in TLSConfig
		} else {
			served <- srv.Serve(ln)
		}
	}()
	fmt.Fprintf(stdout, "{\"listen\":%q,\"tls\":%t}\n", ln.Addr().String(), useTLS)
	systemd.Ready()
	select {
	case err := <-served:
		return fail("%v", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fail("shutdown: %v", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail("%v", err)
	}
	return 0
}

// loopback reports whether addr (host:port) listens only on a loopback address.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
