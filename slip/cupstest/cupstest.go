// Package cupstest starts a private cupsd for tests: its own configuration, spool and socket
// in a temporary directory, with PDF queues made by the cups-pdf backend and queues whose
// printer is out of paper. It needs root (cupsd runs backends as root) and Debian's cups,
// printer-driver-cups-pdf and poppler-utils (scripts/setup installs them).
package cupstest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idbooth/idbooth/internal/testsupport"
)

// Server is a running private cupsd.
type Server struct {
	// Socket is the cupsd's local socket: the CUPS server name for clients.
	Socket string
	// OutDir receives the PDFs the cups-pdf queues print.
	OutDir string
	dir    string
	// cupsPDFConf is the cups-pdf instance configuration: cups-pdf reads it only from
	// /etc/cups (cups-pdf-INSTANCE.conf for the device URI cups-pdf:/INSTANCE).
	cupsPDFConf string
	instance    string
	cmd         *exec.Cmd
	exited      chan struct{}
}

// The cups-pdf PPD Debian ships; the queue gets CUPS's pdftocairo renderer, whose PostScript
// keeps the text extractable (the default Ghostscript path turns CJK text into Type 3 glyphs).
const cupsPDFPPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"

// paperOutBackend is a CUPS backend whose printer is always out of paper: it reports it the
// way real backends do and fails the job, so CUPS stops the queue (ErrorPolicy stop-printer).
const paperOutBackend = `#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct paperout "Unknown" "Out-of-paper test printer"'; exit 0; fi
cat > /dev/null
echo "STATE: +media-empty-error" >&2
echo "ERROR: Out of paper" >&2
exit 1
`

// Start starts a private cupsd and stops it when the test ends. Outside CI it skips the test
// when the machine cannot run one (not root, CUPS not installed); in CI it fails instead.
func Start(t testing.TB) *Server {
	t.Helper()
	if why := unavailable(); why != "" {
		testsupport.Missing(t, "cupstest: %s (run scripts/setup as root)", why)
	}
	// Under /tmp, not $TMPDIR: a socket path must stay under 108 bytes.
	dir, err := os.MkdirTemp("/tmp", "cupsd")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{dir: dir, Socket: filepath.Join(dir, "cups.sock"), OutDir: filepath.Join(dir, "out"), exited: make(chan struct{})}
	t.Cleanup(func() {
		s.Stop()
		os.Remove(s.cupsPDFConf)
		os.RemoveAll(dir)
	})
	// cupsd drops to user lp for filters: they must reach the spool through dir.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"etc", "spool/tmp", "cache", "state", "log", "out", "bin/backend"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"filter", "daemon", "cgi-bin", "notifier", "monitor", "driver"} {
		if err := os.Symlink("/usr/lib/cups/"+d, filepath.Join(dir, "bin", d)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/usr/lib/cups/backend/cups-pdf", filepath.Join(dir, "bin/backend/cups-pdf")); err != nil {
		t.Fatal(err)
	}
	// 0700 and owned by root: cupsd runs such a backend as root, as it does cups-pdf.
	if err := os.WriteFile(filepath.Join(dir, "bin/backend/paperout"), []byte(paperOutBackend), 0o700); err != nil {
		t.Fatal(err)
	}

	s.instance = fmt.Sprintf("idbooth%d", os.Getpid())
	s.cupsPDFConf = "/etc/cups/cups-pdf-" + s.instance + ".conf"
	conf := fmt.Sprintf("Out %s\nAnonDirName %s\nSpool %s\nLog %s\nGrp root\nUserUMask 0022\nLogType 3\n",
		s.OutDir, s.OutDir, filepath.Join(dir, "spool/cups-pdf"), filepath.Join(dir, "log"))
	if err := os.WriteFile(s.cupsPDFConf, []byte(conf), 0o644); err != nil {
		t.Fatalf("cupstest: cups-pdf instance config: %v", err)
	}

	filesConf := fmt.Sprintf(`ServerRoot %[1]s/etc
ServerBin %[1]s/bin
RequestRoot %[1]s/spool
TempDir %[1]s/spool/tmp
CacheDir %[1]s/cache
StateDir %[1]s/state
AccessLog %[1]s/log/access_log
ErrorLog %[1]s/log/error_log
PageLog %[1]s/log/page_log
DataDir /usr/share/cups
DocumentRoot /usr/share/cups/doc-root
FileDevice No
SystemGroup root
`, dir)
	// The policy is Debian's default: anyone may print, only the owner cancels, and queue
	// administration (cupsenable, cupsaccept) needs a system user, here root over the socket.
	cupsdConf := fmt.Sprintf(`Listen %s
LogLevel info
ErrorPolicy stop-printer
JobRetryInterval 1
Browsing No
WebInterface No
DefaultAuthType Basic
<Location />
  Order allow,deny
  Allow localhost
</Location>
<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  SubscriptionPrivateAccess default
  SubscriptionPrivateValues default
  <Limit Create-Job Print-Job Print-URI Validate-Job>
    Order deny,allow
  </Limit>
  <Limit Send-Document Send-URI Hold-Job Release-Job Restart-Job Purge-Jobs Set-Job-Attributes Cancel-Job Cancel-My-Jobs Close-Job CUPS-Move-Job CUPS-Get-Document>
    Require user @OWNER @SYSTEM
    Order deny,allow
  </Limit>
  <Limit CUPS-Add-Modify-Printer CUPS-Delete-Printer CUPS-Add-Modify-Class CUPS-Delete-Class CUPS-Set-Default CUPS-Get-Devices Pause-Printer Resume-Printer Enable-Printer Disable-Printer Cancel-Jobs CUPS-Accept-Jobs CUPS-Reject-Jobs>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
`, s.Socket)
	if err := os.WriteFile(filepath.Join(dir, "etc/cups-files.conf"), []byte(filesConf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "etc/cupsd.conf"), []byte(cupsdConf), 0o644); err != nil {
		t.Fatal(err)
	}
	s.start(t)
	return s
}

func unavailable() string {
	if os.Geteuid() != 0 {
		return "cupsd for tests needs root"
	}
	for _, p := range []string{"/usr/sbin/cupsd", "/usr/sbin/lpadmin", "/usr/lib/cups/backend/cups-pdf", cupsPDFPPD} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Sprintf("%s missing", p)
		}
	}
	if fi, err := os.Stat("/etc/cups"); err != nil || !fi.IsDir() {
		return "/etc/cups missing (cups-pdf reads its configuration there)"
	}
	return ""
}

func (s *Server) start(t testing.TB) {
	t.Helper()
	log, err := os.Create(filepath.Join(s.dir, "log/cupsd.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	s.cmd = exec.Command("/usr/sbin/cupsd", "-f", "-c", filepath.Join(s.dir, "etc/cupsd.conf"), "-s", filepath.Join(s.dir, "etc/cups-files.conf"))
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("cupstest: start cupsd: %v", err)
	}
	go func() { s.cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.Dial("unix", s.Socket)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.exited:
			t.Fatalf("cupstest: cupsd exited at start: %s", s.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("cupstest: cupsd did not open %s: %v\n%s", s.Socket, err, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops cupsd (the "CUPS is not running" case); safe to call twice.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// Log returns cupsd's own output and error log, for failure messages.
func (s *Server) Log() string {
	var b strings.Builder
	for _, f := range []string{"log/cupsd.out", "log/error_log"} {
		data, _ := os.ReadFile(filepath.Join(s.dir, f))
		fmt.Fprintf(&b, "--- %s\n%s", f, data)
	}
	return b.String()
}

// Admin runs a CUPS administration tool (lpadmin, cupsdisable, lpstat ...) against this cupsd.
func (s *Server) Admin(t testing.TB, tool string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path, err := exec.LookPath(tool)
	if err != nil {
		path = "/usr/sbin/" + tool // not on PATH for ordinary users
	}
	cmd := exec.CommandContext(ctx, path, append([]string{"-h", s.Socket}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cupstest: %s %s: %v: %s", tool, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// AddPDFQueue adds an enabled queue whose printer writes PDF files into OutDir.
func (s *Server) AddPDFQueue(t testing.TB, name string) {
	t.Helper()
	s.Admin(t, "lpadmin", "-p", name, "-E", "-v", s.PDFDevice(), "-P", cupsPDFPPD, "-o", "pdftops-renderer-default=pdftocairo")
}

// AddPaperOutQueue adds an enabled queue whose printer is out of paper.
func (s *Server) AddPaperOutQueue(t testing.TB, name string) {
	t.Helper()
	s.Admin(t, "lpadmin", "-p", name, "-E", "-v", "paperout:/", "-P", cupsPDFPPD, "-o", "pdftops-renderer-default=pdftocairo")
}

// PDFDevice is the device URI of this server's cups-pdf printer: setting a queue to it
// (lpadmin -v) is "the paper was refilled".
func (s *Server) PDFDevice() string { return "cups-pdf:/" + s.instance }

// PDFs lists the PDF files the cups-pdf printer has written, oldest first.
func (s *Server) PDFs(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(s.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".pdf") {
			out = append(out, filepath.Join(s.OutDir, e.Name()))
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		ia, _ := os.Stat(a)
		ib, _ := os.Stat(b)
		return ia.ModTime().Compare(ib.ModTime())
	})
	return out
}
