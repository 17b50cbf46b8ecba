package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/idbooth/idbooth/internal/testsupport"
	"github.com/idbooth/idbooth/upload"
	"github.com/idbooth/idbooth/upload/intake"
)

func TestBoothsStatusAndExport(t *testing.T) {
	pg := testsupport.StartPostgres(t)
	ctx := context.Background()
	s := open(t, pg.CreateDB(t, "intake"), dirPhotos(t))
	jst := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, jst)

	tok := intake.NewBoothToken()
	if err := s.AddBooth(ctx, "shibuya-01", intake.HashToken(tok), now); err != nil {
		t.Fatal(err)
	}
	if err := s.AddBooth(ctx, "shibuya-01", intake.HashToken(intake.NewBoothToken()), now); !errors.Is(err, intake.ErrBoothExists) {
		t.Fatalf("second add: %v", err)
	}
	if err := s.AddBooth(ctx, "nerima-01", intake.HashToken(intake.NewBoothToken()), now); err != nil {
		t.Fatal(err)
	}
	c, err := s.BoothByToken(ctx, intake.HashToken(tok))
	if err != nil || c.ID != "shibuya-01" || c.Revoked {
		t.Fatalf("by token: %+v %v", c, err)
	}
	if _, err := s.BoothByToken(ctx, intake.HashToken("idbt_guess")); !errors.Is(err, intake.ErrNoBooth) {
		t.Fatalf("unknown token: %v", err)
	}
	if err := s.RevokeBooth(ctx, "shibuya-01", now); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeBooth(ctx, "nowhere", now); !errors.Is(err, intake.ErrNoBooth) {
		t.Fatalf("revoke of an unknown booth: %v", err)
	}
	if c, err := s.BoothByToken(ctx, intake.HashToken(tok)); err != nil || !c.Revoked {
		t.Fatalf("after revoke: %+v %v", c, err)
	}

	st := &upload.BoothStatus{AppVersion: "1.2.3", Queue: upload.QueueDepth{Pending: 3, Sent: 10}, OldestPendingSeconds: 60,
		PhotoCheck: upload.Device{State: upload.DeviceOK}, Printer: upload.Device{State: upload.DeviceError, Code: "paper_out"}}
	if err := s.PutStatus(ctx, "nerima-01", st, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	st.Queue.Pending = 1
	if err := s.PutStatus(ctx, "nerima-01", st, now); err != nil {
		t.Fatal(err)
	}
	// A booth on the shared token reports without being registered.
	if err := s.PutStatus(ctx, "legacy-01", st, now.Add(-30*time.Hour)); err != nil {
		t.Fatal(err)
	}
	booths, err := s.Booths(ctx)
	if err != nil || len(booths) != 3 {
		t.Fatalf("booths: %+v %v", booths, err)
	}
	byID := map[string]int{}
	for i, b := range booths {
		byID[b.ID] = i
	}
	n, l, sh := booths[byID["nerima-01"]], booths[byID["legacy-01"]], booths[byID["shibuya-01"]]
	if !n.Registered || n.Status == nil || n.Status.Queue.Pending != 1 || !n.LastSeen.Equal(now) || n.Status.Printer.Code != "paper_out" {
		t.Fatalf("nerima-01: %+v %+v", n, n.Status)
	}
	if l.Registered || l.Status == nil || !l.LastSeen.Equal(now.Add(-30*time.Hour)) {
		t.Fatalf("legacy-01: %+v", l)
	}
	if !sh.Revoked || sh.Status != nil {
		t.Fatalf("shibuya-01: %+v", sh)
	}

	// Applications received over three days (JST), counted per JST day and exported in order.
	times := []time.Time{now.AddDate(0, 0, -2), now.Add(-24*time.Hour + time.Minute), now.Add(-11 * time.Hour), now.Add(-9*time.Hour - time.Minute), now}
	var uuids []string
	for i, at := range times {
		s.Now = func() time.Time { return at }
		a := application(i)
		uuids = append(uuids, a.UUID)
		if _, err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	days, err := s.PerDay(ctx, 4, now)
	if err != nil {
		t.Fatal(err)
	}
	// 11-29 10:00 JST: 11 h before is 11-28 23:00; 9 h 1 min before is 11-29 00:59.
	want := []int{0, 1, 2, 2}
	for i, d := range days {
		if d.Count != want[i] || d.Date.Day() != 26+i {
			t.Fatalf("per day: %+v, want counts %v", days, want)
		}
	}
	var got []string
	var cur intake.Cursor
	for {
		page, err := s.Received(ctx, cur, now, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			got = append(got, r.UUID)
			if len(r.PhotoJPEG) == 0 {
				t.Fatalf("%s exported without its photo", r.UUID)
			}
			cur = intake.Cursor{At: r.At, UUID: r.UUID}
		}
	}
	// The last one was received at until: not yet.
	if len(got) != 4 {
		t.Fatalf("exported %d, want 4", len(got))
	}
	for i := range got {
		if got[i] != uuids[i] {
			t.Fatalf("export order %v, want %v", got, uuids[:4])
		}
	}
}
