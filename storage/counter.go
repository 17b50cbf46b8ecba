package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/idbooth/idbooth/audit"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/booth/identity"
	"github.com/idbooth/idbooth/staff"
)

// Counter is what the counter adds to an application: the clerk who took it and the identity
// verification (which kinds of document were seen, never their numbers).
type Counter struct {
	Clerk        string          `json:"clerk"`
	Verification identity.Record `json:"verification"`
	// Purged: retention removed the verification with the personal data (Clerk remains).
	Purged bool `json:"purged,omitempty"`
}

// Verified reports whether identity was verified, so the card can be mailed.
func (c Counter) Verified() bool { return c.Verification.OK }

// EnqueueCounter queues a counter application (a.Channel counter) taken by c.Clerk, and records
// the clerk, the verification and the audit entries: "application" (detail "verified" when
// identity was verified) and, when the clerk accepted a flagged photo, "override" with the
// reason's code. The card can be mailed only when identity was verified; the clerk must be an
// enabled member of staff (ErrInvalid otherwise).
//
// The application, its counter record and its audit entries are written in one transaction:
// all of them or none.
func (s *Store) EnqueueCounter(ctx context.Context, a *booth.Application, c Counter) error {
	switch {
	case a.Channel != booth.ChannelCounter:
		return fmt.Errorf("storage: enqueue counter: %w: channel is not counter", ErrInvalid)
	case !staff.ValidID(c.Clerk):
		return fmt.Errorf("storage: enqueue counter: %w: no valid clerk", ErrInvalid)
	case !c.Verification.Valid():
		return fmt.Errorf("storage: enqueue counter: %w: verification names unknown documents or rules", ErrInvalid)
	case a.CardMailed && !c.Verification.OK:
		return fmt.Errorf("storage: enqueue counter: %w: card mailed without a verified identity", ErrInvalid)
	}
	ver, err := json.Marshal(c.Verification)
	if err != nil {
		return fmt.Errorf("storage: enqueue counter: %w", err)
	}
	return s.enqueue(ctx, a, func(tx *sql.Tx) error { return s.recordCounter(ctx, tx, a, c, ver) })
}

func (s *Store) recordCounter(ctx context.Context, tx *sql.Tx, a *booth.Application, c Counter, ver []byte) error {
	// The clerk is someone who can sign in now: an application never names a stranger.
	var enabled bool
	err := tx.QueryRowContext(ctx, `SELECT disabled = 0 FROM staff WHERE id = ?`, c.Clerk).Scan(&enabled)
	if err == sql.ErrNoRows || (err == nil && !enabled) {
		return fmt.Errorf("%w: the clerk is not an enabled member of staff", ErrInvalid)
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO counter (uuid, clerk, verified) VALUES (?, ?, ?)`,
		a.UUID, c.Clerk, c.Verification.OK); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO counter_sealed (uuid, verification) VALUES (?, ?)`,
		a.UUID, s.seal.seal(ver, "verification", a.UUID)); err != nil {
		return err
	}
	detail := ""
	if c.Verification.OK {
		detail = "verified"
	}
	if err := s.appendAudit(ctx, tx, audit.Event{Kind: audit.Application, Clerk: c.Clerk, Subject: a.UUID, Detail: detail}); err != nil {
		return err
	}
	if a.PhotoCheck.Overridden() {
		return s.appendAudit(ctx, tx, audit.Event{Kind: audit.Override, Clerk: c.Clerk, Subject: a.UUID,
			Detail: booth.OverrideReasonCode(a.PhotoCheck.OverrideReason)})
	}
	return nil
}

// CounterRecord returns the counter record of a counter application (ErrNotFound for a booth
// application or an unknown UUID).
func (s *Store) CounterRecord(ctx context.Context, uuid string) (*Counter, error) {
	var c Counter
	var sealed []byte
	err := s.db.QueryRowContext(ctx, `SELECT c.clerk, c.verified, v.verification FROM counter c
		LEFT JOIN counter_sealed v USING (uuid) WHERE c.uuid = ?`, uuid).Scan(&c.Clerk, &c.Verification.OK, &sealed)
	if err != nil {
		return nil, mapErr("counter record "+uuid, err)
	}
	if sealed == nil {
		c.Purged = true
		return &c, nil
	}
	plain, err := s.seal.open(sealed, "verification", uuid)
	if err != nil {
		return nil, mapErr("counter record "+uuid, err)
	}
	if err := json.Unmarshal(plain, &c.Verification); err != nil {
		return nil, mapErr("counter record "+uuid, fmt.Errorf("%w: verification of %s: %w", ErrCorrupt, uuid, err))
	}
	return &c, nil
}

// Tally is one line of a day's counts.
type Tally struct {
	Applications     int `json:"applications"`
	Overrides        int `json:"overrides"`         // photos accepted by staff over the check
	IdentityVerified int `json:"identity_verified"` // counter applications with identity verified
}

func (t *Tally) add(o Tally) {
	t.Applications += o.Applications
	t.Overrides += o.Overrides
	t.IdentityVerified += o.IdentityVerified
}

// ClerkTally is a clerk's counts; SignIns and Reprints come from the audit log.
type ClerkTally struct {
	Clerk string `json:"clerk"`
	Tally
	SignIns  int `json:"sign_ins"`
	Refused  int `json:"sign_ins_refused"`
	Reprints int `json:"reprints"`
}

// DayCounts are a day's totals (in Japan) for the day report: nothing personal.
type DayCounts struct {
	Day       booth.Date              `json:"day"`
	Total     Tally                   `json:"total"`
	Channels  map[booth.Channel]Tally `json:"channels"`
	Clerks    []ClerkTally            `json:"clerks"` // by staff ID; "" for counter applications with no record
	AuditHead *audit.Entry            `json:"-"`
}

// CounterDay counts the applications of day (JST) still in the queue (compacted ones are only
// in Days) by channel and by clerk, and the day's sign-ins and reprints from the audit log.
func (s *Store) CounterDay(ctx context.Context, day booth.Date) (DayCounts, error) {
	out := DayCounts{Day: day, Channels: map[booth.Channel]Tally{booth.ChannelBooth: {}, booth.ChannelCounter: {}}}
	from := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, booth.JST)
	to := from.AddDate(0, 0, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT a.channel, COALESCE(c.clerk, ''), COUNT(*),
		SUM(a.photo_overridden), SUM(COALESCE(c.verified, 0)) FROM applications a LEFT JOIN counter c USING (uuid)
		WHERE a.created_at >= ? AND a.created_at < ? GROUP BY 1, 2`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return out, mapErr("counter day", err)
	}
	defer rows.Close()
	clerks := map[string]*ClerkTally{}
	clerk := func(id string) *ClerkTally {
		if clerks[id] == nil {
			clerks[id] = &ClerkTally{Clerk: id}
		}
		return clerks[id]
	}
	for rows.Next() {
		var ch, id string
		var t Tally
		if err := rows.Scan(&ch, &id, &t.Applications, &t.Overrides, &t.IdentityVerified); err != nil {
			return out, mapErr("counter day", err)
		}
		c := out.Channels[booth.Channel(ch)]
		c.add(t)
		out.Channels[booth.Channel(ch)] = c
		out.Total.add(t)
		if booth.Channel(ch) == booth.ChannelCounter {
			clerk(id).add(t)
		}
	}
	if err := rows.Err(); err != nil {
		return out, mapErr("counter day", err)
	}
	entries, err := s.AuditEntries(ctx, from, to)
	if err != nil {
		return out, err
	}
	for _, e := range entries {
		switch {
		case e.Clerk == "":
		case e.Kind == audit.SignIn:
			clerk(e.Clerk).SignIns++
		case e.Kind == audit.SignInRefused:
			clerk(e.Clerk).Refused++
		case e.Kind == audit.Reprint:
			clerk(e.Clerk).Reprints++
		}
	}
	for _, c := range clerks {
		out.Clerks = append(out.Clerks, *c)
	}
	slices.SortFunc(out.Clerks, func(a, b ClerkTally) int { return strings.Compare(a.Clerk, b.Clerk) })
	if out.AuditHead, err = s.AuditHead(ctx); err != nil {
		return out, err
	}
	return out, nil
}
