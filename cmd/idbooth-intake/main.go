// Command idbooth-intake is the reference intake server an operator runs centrally for a small
// fleet of booths (README.md):
//
//	idbooth-intake serve --listen ADDR --data DIR [--tls-cert FILE --tls-key FILE] [--token T | --token-file F]
//	idbooth-intake serve --listen ADDR --db postgres://... --photos s3://bucket/prefix --s3-endpoint H:P ...
//	idbooth-intake count|booth|export|gc ...
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
	"strings"
	"syscall"
	"time"

	"github.com/idbooth/idbooth/config"
	"github.com/idbooth/idbooth/internal/systemd"
	"github.com/idbooth/idbooth/internal/version"
	"github.com/idbooth/idbooth/upload/intake"
	"github.com/idbooth/idbooth/upload/intake/fleet"
	"github.com/idbooth/idbooth/upload/intake/metrics"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  idbooth-intake serve --listen ADDR BACKEND [--tls-cert FILE --tls-key FILE] [--token TOKEN | --token-file FILE | --no-shared-token]
                       [--operator-password P] [--metrics-token T] [--config FILE]
  idbooth-intake count BACKEND
  idbooth-intake booth add|revoke BACKEND ID     a booth's own token (printed once), or refuse it from now on
  idbooth-intake booth list BACKEND
  idbooth-intake export --out DIR [--since T] BACKEND    applications as JSON lines + photos, resumable
  idbooth-intake gc [--grace 24h] BACKEND        delete photos no application points to (--db only)
  idbooth-intake --version
BACKEND: --data DIR (SQLite, the default) | --db postgres://... --photos DIR|s3://bucket/prefix
         [--s3-endpoint HOST:PORT --s3-access-key K --s3-secret-key S --s3-region R --s3-insecure]
Every flag may come from the environment, IDBOOTH_INTAKE_<FLAG> (IDBOOTH_INTAKE_S3_SECRET_KEY,
IDBOOTH_INTAKE_DB, ...), or the --config file.
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
		return adminCmd(ctx, "count", args[1:], stdout, stderr, nil, func(b intake.Backend, _ []string) int {
			n, err := b.Count(ctx)
			if err != nil {
				fmt.Fprintln(stderr, "idbooth-intake count:", err)
				return 2
			}
			fmt.Fprintln(stdout, n)
			return 0
		})
	case "booth":
		return boothCmd(ctx, args[1:], stdout, stderr)
	case "export":
		return exportCmd(ctx, args[1:], stdout, stderr)
	case "gc":
		return gcCmd(ctx, args[1:], stdout, stderr)
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

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("idbooth-intake serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	listen := fset.String("listen", "127.0.0.1:8443", "address to listen on")
	bf := addBackendFlags(fset)
	certFile := fset.String("tls-cert", "", "TLS certificate chain (PEM)")
	keyFile := fset.String("tls-key", "", "TLS private key (PEM)")
	token := fset.String("token", os.Getenv("IDBOOTH_INTAKE_TOKEN"), "bearer token booths present (env IDBOOTH_INTAKE_TOKEN)")
	tokenFile := fset.String("token-file", "", "file holding the bearer token")
	noShared := fset.Bool("no-shared-token", false, "accept only the booths' own tokens (idbooth-intake booth add)")
	operatorPassword := fset.String("operator-password", "", "password of the fleet dashboard at /fleet/ (at least 12 characters; none: no dashboard)")
	metricsToken := fset.String("metrics-token", "", "bearer token Prometheus presents for /metrics (none: /metrics refused)")
	cfgFile := fset.String("config", os.Getenv("IDBOOTH_INTAKE_CONFIG"), "config file of \"name = value\" lines, one per flag (env IDBOOTH_INTAKE_CONFIG)")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "idbooth-intake serve: "+format+"\n", a...)
		return 2
	}
	// A flag wins over the environment (IDBOOTH_INTAKE_<FLAG>), which wins over the config file.
	file, err := config.ReadFile(*cfgFile)
	if err != nil {
		return fail("%v", err)
	}
	if err := config.ApplyPrefixed(fset, file, envPrefix); err != nil {
		return fail("%v", err)
	}
	if err := bf.check(); err != nil {
		return fail("%v", err)
	}
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return fail("token file: %v", err)
		}
		*token = strings.TrimSpace(string(b))
	}
	switch {
	case *noShared && *token != "":
		return fail("--no-shared-token and a shared token contradict each other")
	case !*noShared && len(*token) < 16:
		return fail("a token of at least 16 characters is required (--token or --token-file), or --no-shared-token")
	case *operatorPassword != "" && len(*operatorPassword) < 12:
		return fail("the operator password must have at least 12 characters")
	case *metricsToken != "" && len(*metricsToken) < 16:
		return fail("the metrics token must have at least 16 characters")
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
	st, err := bf.open(ctx, false)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if h := systemd.LogHandler("idbooth-intake", slog.LevelInfo); h != nil {
		log = slog.New(h) // under systemd: the journal, a field per attribute
	}
	is := &intake.Server{Store: st, Token: *token, Log: log, MetricsToken: *metricsToken,
		Metrics: metrics.New(st.Count, log)}
	if *operatorPassword != "" {
		is.Dashboard = (&fleet.Dashboard{Source: st, Password: *operatorPassword, Secure: useTLS, Log: log}).Handler()
	}
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
