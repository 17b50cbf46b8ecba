package storage_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
	"github.com/idbooth/idbooth/staff"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/storage/storagetest"
)

func counterApp(i int, photo []byte, mailed bool) *booth.Application {
	a := storagetest.Application(i, photo)
	a.Channel, a.CardMailed = booth.ChannelCounter, mailed
	return a
}

func TestCounterRecordAndDay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// 2026-11-30 08:30 JST is 2026-11-29 23:30 UTC: the day is Japan's.
	now := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	s, err := storage.Open(ctx, storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key"),
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	photo := storagetest.Photo(600, 771, 40, 1)
	staffDir := staff.NewDirectory(s, nil)
	for _, id := range []string{"S0042", "S0007", "S1", "S2"} {
		if err := staffDir.Add(ctx, id, "Clerk "+id, "538204"); err != nil {
			t.Fatal(err)
		}
	}
	if err := staffDir.Disable(ctx, "S2"); err != nil {
		t.Fatal(err)
	}

	c := identity.Case{BirthDate: booth.Date{Year: 1980, Month: 5, Day: 5}, Day: booth.Date{Year: 2026, Month: 11, Day: 30},
		Attendance: identity.InPerson, Applicant: []identity.Seen{{Doc: "health_insurance"}, {Doc: "drivers_licence"}}}
	v, err := identity.Verify(c)
	if err != nil || !v.OK {
		t.Fatalf("verify: %+v %v", v, err)
	}
	verified := storage.Counter{Clerk: "S0042", Verification: identity.NewRecord(c, v)}

	a1 := counterApp(1, photo, true)
	if err := s.EnqueueCounter(ctx, a1, verified); err != nil {
		t.Fatal(err)
	}
	a2 := counterApp(2, photo, false)
	a2.PhotoCheck = booth.PhotoCheck{OK: false, Problems: []string{"background_not_plain"}, OverrideReason: "printed_photo_meets_rules"}
	unverified := storage.Counter{Clerk: "S0007", Verification: identity.Record{Attendance: identity.InPerson,
		Applicant: []string{"health_insurance"}}}
	if err := s.EnqueueCounter(ctx, a2, unverified); err != nil {
		t.Fatal(err)
	}
	a3 := counterApp(3, photo, false)
	a3.PhotoCheck = booth.PhotoCheck{OK: false, Problems: []string{"blurry"}, OverrideReason: "山田さんの写真、ぼけているが可"}
	if err := s.EnqueueCounter(ctx, a3, verified); err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(ctx, storagetest.Application(4, photo)); err != nil { // a booth application
		t.Fatal(err)
	}
	if err := s.Audit(ctx, audit.Event{Kind: audit.SignIn, Clerk: "S0042"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, audit.Event{Kind: audit.Reprint, Clerk: "S0007", Subject: a2.UUID}); err != nil {
		t.Fatal(err)
	}
	// The next day's application is not counted.
	now = now.Add(24 * time.Hour)
	if err := s.EnqueueCounter(ctx, counterApp(5, photo, true), verified); err != nil {
		t.Fatal(err)
	}

	// Refused: not a counter application, no clerk, a mailed card without verification, a
	// document that is not one (a number typed in its place).
	bad := []struct {
		a *booth.Application
		c storage.Counter
	}{
		{storagetest.Application(6, photo), verified},
		{counterApp(7, photo, true), storage.Counter{Verification: verified.Verification}},
		{counterApp(8, photo, true), unverified},
		{counterApp(9, photo, false), storage.Counter{Clerk: "S1", Verification: identity.Record{Attendance: identity.InPerson,
			Applicant: []string{"123456789012"}}}},
		// A clerk who is not in the directory, or is disabled.
		{counterApp(10, photo, true), storage.Counter{Clerk: "S9", Verification: verified.Verification}},
		{counterApp(11, photo, true), storage.Counter{Clerk: "S2", Verification: verified.Verification}},
	}
	for i, b := range bad {
		if err := s.EnqueueCounter(ctx, b.a, b.c); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("bad %d: %v, want ErrInvalid", i, err)
		}
		if _, err := s.Entry(ctx, b.a.UUID); b.a.UUID != "" && err == nil {
			t.Errorf("bad %d queued", i)
		}
	}

	rec, err := s.CounterRecord(ctx, a1.UUID)
	if err != nil || rec.Clerk != "S0042" || !rec.Verified() || rec.Verification.Combination != "one_a" ||
		!reflect.DeepEqual(rec.Verification.Applicant, []string{"health_insurance", "drivers_licence"}) {
		t.Fatalf("record: %+v %v", rec, err)
	}
	day, err := s.CounterDay(ctx, booth.Date{Year: 2026, Month: 11, Day: 30})
	if err != nil {
		t.Fatal(err)
	}
	wantTotal := storage.Tally{Applications: 4, Overrides: 2, IdentityVerified: 2}
	if day.Total != wantTotal || day.Channels[booth.ChannelBooth] != (storage.Tally{Applications: 1}) ||
		day.Channels[booth.ChannelCounter] != (storage.Tally{Applications: 3, Overrides: 2, IdentityVerified: 2}) {
		t.Errorf("day totals %+v %+v", day.Total, day.Channels)
	}
	wantClerks := []storage.ClerkTally{
		{Clerk: "S0007", Tally: storage.Tally{Applications: 1, Overrides: 1}, Reprints: 1},
		{Clerk: "S0042", Tally: storage.Tally{Applications: 2, Overrides: 1, IdentityVerified: 2}, SignIns: 1},
	}
	if !reflect.DeepEqual(day.Clerks, wantClerks) {
		t.Errorf("clerks %+v, want %+v", day.Clerks, wantClerks)
	}
	// The audit log names each application and override by UUID and code: the typed reason of
	// a3 is recorded as "other".
	es, err := s.AuditEntries(ctx, time.Time{}, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Kind != audit.StaffAdded && e.Kind != audit.StaffDisabled {
			got = append(got, string(e.Kind)+":"+e.Clerk+":"+e.Detail)
		}
	}
	want := []string{"application:S0042:verified", "application:S0007:", "override:S0007:printed_photo_meets_rules",
		"application:S0042:verified", "override:S0042:other", "sign_in:S0042:", "reprint:S0007:", "application:S0042:verified"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit %v\nwant %v", got, want)
	}
	if day.AuditHead == nil || day.AuditHead.Seq != int64(len(want)+5) {
		t.Errorf("audit head %+v", day.AuditHead)
	}
	if _, err := s.CounterRecord(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}

	// Retention removes the verification with the personal data; the clerk and the count stay.
	if err := s.MarkSent(ctx, a1.UUID); err != nil {
		t.Fatal(err)
	}
	now = now.Add(30 * 24 * time.Hour)
	if _, err := s.Purge(ctx, booth.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	rec, err = s.CounterRecord(ctx, a1.UUID)
	if err != nil || !rec.Purged || rec.Clerk != "S0042" || !rec.Verified() || rec.Verification.Applicant != nil {
		t.Fatalf("after purge: %+v %v", rec, err)
	}
	res, err := s.VerifyAudit(ctx)
	if err != nil || !res.OK || res.Entries != int64(len(want)+5) {
		t.Fatalf("audit verify: %+v %v", res, err)
	}
}

// The application and its counter record are one transaction: when the record cannot be
// written, the application is not queued either (it would go out with no clerk).
func TestCounterAtomic(t *testing.T) {
	ctx := context.Background()
	dir := auditQueue(t, 1)
	tamper(t, dir, `CREATE TRIGGER refuse BEFORE INSERT ON counter BEGIN SELECT RAISE(ABORT, 'disk says no'); END`)
	s, err := storage.Open(ctx, storage.Config{Path: filepath.Join(dir, "queue.db"), KeyFile: filepath.Join(dir, "queue.key")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := staff.NewDirectory(s, nil).Add(ctx, "S1", "A", "538204"); err != nil {
		t.Fatal(err)
	}
	a := counterApp(1, storagetest.Photo(600, 771, 40, 1), false)
	err = s.EnqueueCounter(ctx, a, storage.Counter{Clerk: "S1", Verification: identity.Record{Attendance: identity.InPerson}})
	if err == nil {
		t.Fatal("queued although the counter record failed")
	}
	if _, err := s.Entry(ctx, a.UUID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the application is queued without its record: %v", err)
	}
	if st := storagetest.Stats(t, s); st.Pending != 0 {
		t.Fatalf("stats: %+v", st)
	}
	if res, err := s.VerifyAudit(ctx); err != nil || res.Entries != 2 || !res.OK {
		t.Fatalf("audit: %+v %v", res, err)
	}
}
