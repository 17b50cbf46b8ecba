package upload_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
	"github.com/idbooth/idbooth/upload"
)

// What a hostile or broken intake puts in its answers: an ID, a birth date and a name.
var secrets = []string{"98765432109876543210987", "1985-06-15", "Yamada"}

const secretText = "Yamada Taro, born 1985-06-15, ID 98765432109876543210987"

// standIn is an intake stand-in on 127.0.0.1 that answers every request with the raw HTTP
// response of its current mode, whatever the request.
type standIn struct {
	ln   net.Listener
	mu   sync.Mutex
	resp string
	wg   sync.WaitGroup
}

func newStandIn(t *testing.T) *standIn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &standIn{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				r := bufio.NewReader(c)
				n := 0
				for { // read one request (headers and a Content-Length body), answer, close
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					fmt.Sscanf(strings.ToLower(line), "content-length: %d", &n)
					if line == "\r\n" {
						break
					}
				}
				if _, err := r.Discard(n); err != nil {
					return
				}
				s.mu.Lock()
				resp := s.resp
				s.mu.Unlock()
				c.Write([]byte(resp))
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *standIn) answer(status, contentType, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resp = fmt.Sprintf("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, contentType, len(body), body)
}

func (s *standIn) raw(resp string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resp = resp
}

// Defect 7: whatever text an intake answers, the booth keeps only the HTTP status and the
// intake's known codes: nothing of it reaches the queue file, its WAL, the queue's entries and
// summary (what `idbooth queue` prints) or the worker's status.
func TestIntakeErrorTextIsNotStored(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "queue.db")
	q, err := storage.Open(ctx, storage.Config{Path: db, KeyFile: filepath.Join(dir, "queue.key")})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	intake := newStandIn(t)
	w := &upload.Worker{Store: q, Target: newClient(t, "http://"+intake.ln.Addr().String(), testToken), Backoff: fastBackoff}
	errJSON := func(code string) string {
		b, _ := json.Marshal(upload.ErrorAnswer{Code: code, Error: secretText})
		return string(b)
	}
	cases := []struct {
		name string
		set  func()
		want string // what the operator still sees
	}{
		{"refusal, unknown code", func() { intake.answer("400 Bad Request", "application/json", errJSON(secretText)) }, "400"},
		{"refusal, known code", func() { intake.answer("400 Bad Request", "application/json", errJSON("bad_form_id")) }, "bad_form_id"},
		{"conflict", func() { intake.answer("409 Conflict", "application/json", errJSON("conflict")) }, "409"},
		{"status reason", func() { intake.answer("400 "+secretText, "application/json", errJSON("bad_birth_date")) }, "bad_birth_date"},
		{"token refused", func() { intake.answer("401 "+secretText, "application/json", errJSON(secretText)) }, "401"},
		{"server error", func() { intake.answer("503 "+secretText, "text/plain", secretText) }, "503"},
		{"captive portal", func() { intake.answer("200 OK", "text/html", "<html>"+secretText+"</html>") }, "malformed answer"},
		{"answer for someone else", func() {
			intake.answer("200 OK", "application/json", `{"uuid":"`+secretText+`","status":"`+secretText+`"}`)
		}, "malformed answer"},
		{"malformed status line", func() { intake.raw("HTTP/1.1 4x0 " + secretText + "\r\n\r\n") }, "malformed"},
		{"malformed header", func() { intake.raw("HTTP/1.1 400 Bad Request\r\n" + secretText + "\r\n\r\n") }, "malformed"},
	}
	for i, c := range cases {
		a := storagetest.Application(i, photo)
		if err := q.Enqueue(ctx, a); err != nil {
			t.Fatal(err)
		}
		c.set()
		res := w.SyncNow(ctx)
		e, err := q.Entry(ctx, a.UUID)
		if err != nil {
			t.Fatal(err)
		}
		st := mustStats(t, q)
		seen, _ := json.Marshal(struct {
			E *storage.Entry
			S storage.Stats
			W upload.Status
		}{e, st, w.Status()})
		t.Logf("%s: the operator sees %q", c.name, e.LastError)
		if res.Err == nil || !strings.Contains(e.LastError, c.want) || len(e.LastError) > 200 {
			t.Errorf("%s: stored %q, want a bounded text with %q (round %+v)", c.name, e.LastError, c.want, res)
		}
		for _, s := range secrets {
			if strings.Contains(string(seen), s) || strings.Contains(res.Err.Error(), s) {
				t.Errorf("%s: %q is in what the booth shows: %s", c.name, s, seen)
			}
		}
	}
	for _, f := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", filepath.Base(f), s)
			}
		}
	}
}
