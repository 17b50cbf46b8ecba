package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

// clock is a settable time source for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newClock() *clock { return &clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)} }

func openStore(t testing.TB, dir string, c *clock) *storage.Store {
	t.Helper()
	cfg := storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key")}
	if c != nil {
		cfg.Now = c.Now
	}
	s, err := storage.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var smallPhoto = storagetest.Photo(600, 800, 0, 1)

func TestEnqueueRoundTripAndEncryption(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir, newClock())
	a := storagetest.Application(42, smallPhoto)
	a.Options.Email = "resident@example.jp"
	a.PhotoCheck = booth.PhotoCheck{OK: false, Problems: []string{"shadow_on_background"}, OverrideReason: "soft shadow only"}
	if err := s.Enqueue(ctx, a); err != nil {
		t.Fatal(err)
	}
	if !booth.ValidUUID(a.UUID) || len(a.Receipt) != 9 || a.CreatedAt.IsZero() {
		t.Fatalf("enqueue did not fill uuid/receipt/created: %+v", a)
	}
	got, err := s.Get(ctx, a.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if got.FormID != a.FormID || got.BirthDate != a.BirthDate || got.Options != a.Options ||
		!bytes.Equal(got.Photo, a.Photo) || got.PhotoCheck.OverrideReason != "soft shadow only" ||
		got.PhotoCheck.Problems[0] != "shadow_on_background" || got.Receipt != a.Receipt ||
		!got.CreatedAt.Equal(a.CreatedAt) || got.Channel != booth.ChannelBooth || got.Lang != "ja" {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, a)
	}
	if err := s.Enqueue(ctx, a); !errors.Is(err, storage.ErrExists) {
		t.Fatalf("same UUID again: %v, want ErrExists", err)
	}
	fi, err := os.Stat(filepath.Join(dir, "queue.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	s.Close()
	// Nothing personal is in the files in clear: not the form ID, the date of birth, the e-mail,
	// the override reason nor a recognisable piece of the photo.
	var all []byte
	for _, f := range []string{"queue.db", "queue.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		all = append(all, b...)
	}
	for _, secret := range [][]byte{[]byte(a.FormID), []byte(a.BirthDate.String()), []byte("resident@example"),
		[]byte("soft shadow"), a.Photo[200:264]} {
		if bytes.Contains(all, secret) {
			t.Errorf("database holds %q in clear", secret)
		}
	}
	if !bytes.Contains(all, []byte(a.Receipt)) || !bytes.Contains(all, []byte(a.FormID.Last4())) {
		t.Error("receipt and last 4 digits should be stored in clear for lookup")
	}
}

func TestEnqueueRejectsInvalid(t *testing.T) {
	s := openStore(t, t.TempDir(), nil)
	cases := map[string]func(a *booth.Application){
		"short form ID":              func(a *booth.Application) { a.FormID = "123" },
		"bad date":                   func(a *booth.Application) { a.BirthDate = booth.Date{Year: 1990, Month: 2, Day: 30} },
		"future birth date":          func(a *booth.Application) { a.BirthDate = booth.Date{Year: 2100, Month: 1, Day: 1} },
		"small photo":                func(a *booth.Application) { a.Photo = storagetest.Photo(480, 600, 0, 1) },
		"flagged photo, no override": func(a *booth.Application) { a.PhotoCheck = booth.PhotoCheck{Problems: []string{"blurry"}} },
		"no photo":                   func(a *booth.Application) { a.Photo = nil },
		"booth mailing card":         func(a *booth.Application) { a.CardMailed = true },
		"unknown channel":            func(a *booth.Application) { a.Channel = "web" },
		"upper-case uuid":            func(a *booth.Application) { a.UUID = strings.ToUpper(booth.NewUUID()) },
		"no booth":                   func(a *booth.Application) { a.BoothID = "" },
	}
	for name, mutate := range cases {
		a := storagetest.Application(1, smallPhoto)
		mutate(a)
		if err := s.Enqueue(context.Background(), a); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if n := storagetest.Stats(t, s).Pending; n != 0 {
		t.Fatalf("%d invalid applications were queued", n)
	}
}

func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openStore(t, t.TempDir(), c)
	var uuids []string
	for i := 0; i < 3; i++ {
		a := storagetest.Application(i, smallPhoto)
		if err := s.Enqueue(ctx, a); err != nil {
			t.Fatal(err)
		}
		uuids = append(uuids, a.UUID)
		c.Add(time.Second)
	}
	claimed, err := s.ClaimDue(ctx, 2, time.Minute)
	if err != nil || len(claimed) != 2 || claimed[0].UUID != uuids[0] || claimed[0].Attempt != 1 ||
		!bytes.Equal(claimed[0].Photo, smallPhoto) {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	// Claimed entries are not handed out twice while the lease runs.
	if again, _ := s.ClaimDue(ctx, 10, time.Minute); len(again) != 1 || again[0].UUID != uuids[2] {
		t.Fatalf("second claim got %d entries", len(again))
	}
	if err := s.MarkSent(ctx, uuids[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, uuids[1], c.Now().Add(30*time.Second), "intake: 503 Service Unavailable"); err != nil {
		t.Fatal(err)
	}
	c.Add(time.Second)
	if err := s.MarkFailed(ctx, uuids[2], "intake: 409 Conflict"); err != nil {
		t.Fatal(err)
	}
	st := storagetest.Stats(t, s)
	if st.Sent != 1 || st.Pending != 1 || st.Failed != 1 || st.Due != 0 || st.LastError != "intake: 409 Conflict" ||
		!st.NextAttempt.Equal(c.Now().Add(29*time.Second)) || st.OldestUnsent.IsZero() {
		t.Fatalf("stats %+v", st)
	}
	c.Add(31 * time.Second)
	claimed, _ = s.ClaimDue(ctx, 10, time.Minute)
	if len(claimed) != 1 || claimed[0].UUID != uuids[1] || claimed[0].Attempt != 2 {
		t.Fatalf("retry claim %+v", claimed)
	}
	// A crashed worker's claim comes back when the lease runs out, or at once on ResetSending.
	c.Add(61 * time.Second)
	if again, _ := s.ClaimDue(ctx, 10, time.Minute); len(again) != 1 || again[0].Attempt != 3 {
		t.Fatalf("expired lease not due again: %+v", again)
	}
	if n, err := s.ResetSending(ctx); n != 1 || err != nil {
		t.Fatalf("reset sending: %d %v", n, err)
	}
	if e, _ := s.Entry(ctx, uuids[1]); e.State != storage.StatePending || e.Attempts != 3 {
		t.Fatalf("after reset: %+v", e)
	}
	if n, err := s.Requeue(ctx); n != 1 || err != nil {
		t.Fatalf("requeue: %d %v", n, err)
	}
	list, err := s.List(ctx, storage.Filter{States: []storage.SyncState{storage.StatePending}})
	if err != nil || len(list) != 2 {
		t.Fatalf("list pending: %d %v", len(list), err)
	}
	if err := s.MarkSent(ctx, booth.NewUUID()); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("mark unknown: %v", err)
	}
	// MarkRetry after MarkSent (a late answer of a duplicate send) must not resurrect it.
	s.MarkRetry(ctx, uuids[0], c.Now(), "late")
	if e, _ := s.Entry(ctx, uuids[0]); e.State != storage.StateSent {
		t.Fatalf("sent entry went back to %s", e.State)
	}
}

func TestSlipState(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openStore(t, t.TempDir(), c)
	a := storagetest.Application(7, smallPhoto)
	a.Channel, a.CardMailed, a.Lang = booth.ChannelCounter, true, "en"
	if err := s.Enqueue(ctx, a); err != nil {
		t.Fatal(err)
	}
	info, err := s.SlipInfo(ctx, a.UUID)
	if err != nil {
		t.Fatal(err)
	}
	r := info.Receipt
	if r.Number != a.Receipt || r.Application != a.UUID || r.FormIDLast4 != a.FormID.Last4() || r.MaskedFormID() != "***-****-****-****-****-"+a.FormID.Last4() ||
		r.Lang != "en" || r.Channel != booth.ChannelCounter || !r.CardMailed || info.Slip.State != storage.SlipNotPrinted ||
		r.BoothName != "Test booth" || r.Reprint != 0 {
		t.Fatalf("slip info %+v", info)
	}
	if err := s.MarkSlipFailed(ctx, a.UUID, errors.New("printer out of paper")); err != nil {
		t.Fatal(err)
	}
	info, _ = s.SlipInfo(ctx, a.UUID)
	if info.Slip.State != storage.SlipFailed || info.Slip.LastError != "printer out of paper" {
		t.Fatalf("after failure %+v", info.Slip)
	}
	printedAt := c.Now()
	s.MarkSlipPrinted(ctx, a.UUID)
	c.Add(time.Hour)
	s.MarkSlipPrinted(ctx, a.UUID)
	info, _ = s.SlipInfo(ctx, a.UUID)
	if info.Slip.State != storage.SlipPrinted || info.Slip.Reprints != 1 || !info.Slip.PrintedAt.Equal(printedAt) || info.Slip.LastError != "" ||
		info.Receipt.Reprint != 2 {
		t.Fatalf("after prints %+v", info.Slip)
	}
	if _, err := s.SlipInfo(ctx, booth.NewUUID()); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown uuid: %v", err)
	}
	if err := s.MarkSlipPrinted(ctx, booth.NewUUID()); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown uuid: %v", err)
	}
	byReceipt, err := s.List(ctx, storage.Filter{Receipt: a.Receipt})
	if err != nil || len(byReceipt) != 1 || byReceipt[0].UUID != a.UUID {
		t.Fatalf("lookup by receipt: %v %v", byReceipt, err)
	}
}

func TestPurgeAfterRetention(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	s := openStore(t, t.TempDir(), c)
	sent, pending := storagetest.Application(1, smallPhoto), storagetest.Application(2, smallPhoto)
	for _, a := range []*booth.Application{sent, pending} {
		if err := s.Enqueue(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	s.ClaimDue(ctx, 2, time.Minute)
	s.MarkSent(ctx, sent.UUID)
	s.MarkRetry(ctx, pending.UUID, c.Now().Add(time.Hour), "intake unreachable")
	c.Add(booth.DefaultRetention - time.Minute)
	if n, _ := s.Purge(ctx, booth.DefaultRetention); n != 0 {
		t.Fatalf("purged %d before the window ended", n)
	}
	c.Add(2 * time.Minute)
	if n, err := s.Purge(ctx, booth.DefaultRetention); n != 1 || err != nil {
		t.Fatalf("purge: %d %v", n, err)
	}
	if _, err := s.Get(ctx, sent.UUID); !errors.Is(err, storage.ErrPurged) {
		t.Fatalf("purged application: %v", err)
	}
	if _, err := s.Get(ctx, pending.UUID); err != nil {
		t.Fatalf("pending application must be kept: %v", err)
	}
	if info, err := s.SlipInfo(ctx, sent.UUID); err != nil || info.Receipt.Number != sent.Receipt {
		t.Fatalf("slip info must survive the purge: %v", err)
	}
	if st := storagetest.Stats(t, s); st.Sent != 1 || st.Purged != 1 || st.Pending != 1 {
		t.Fatalf("stats after purge %+v", st)
	}
}
