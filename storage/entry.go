package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// SlipState is whether the confirmation slip was printed.
type SlipState string

const (
	SlipNotPrinted SlipState = "not_printed"
	SlipPrinted    SlipState = "printed"
	SlipFailed     SlipState = "failed"
)

// Entry is an application's clear (non-personal) fields and its sync and slip state: what
// `idbooth queue` and the operator screen may show.
type Entry struct {
	UUID          string        `json:"uuid"`
	Receipt       string        `json:"receipt"`
	MaskedFormID  string        `json:"masked_id"`
	FormIDLast4   string        `json:"-"`
	BoothID       string        `json:"booth_id"`
	BoothName     string        `json:"booth_name,omitempty"`
	Lang          string        `json:"lang"`
	Channel       booth.Channel `json:"channel"`
	CardMailed    bool          `json:"card_mailed"`
	CreatedAt     time.Time     `json:"created_at"`
	State         SyncState     `json:"state"`
	Attempts      int           `json:"attempts"`
	NextAttemptAt time.Time     `json:"next_attempt,omitzero"`
	LastError     string        `json:"last_error,omitempty"`
	SentAt        time.Time     `json:"sent_at,omitzero"`
	Purged        bool          `json:"purged"`
	Slip          Slip          `json:"slip"`
}

// Slip is the state of an application's confirmation slip.
type Slip struct {
	State     SlipState `json:"state"`
	LastError string    `json:"last_error,omitempty"`
	PrintedAt time.Time `json:"printed_at,omitzero"`
	Reprints  int       `json:"reprints"`
}

const entryColumns = `a.uuid, a.receipt, a.form_id_last4, a.booth_id, a.booth_name, a.lang, a.channel,
	a.card_mailed, a.created_at, a.purged_at, o.state, o.attempts, o.next_attempt_at, o.last_error, o.sent_at,
	a.slip_state, a.slip_error, a.slip_printed_at, a.slip_reprints
	FROM applications a JOIN outbox o USING (uuid)`

func scanEntry(row scanner) (*Entry, error) {
	var e Entry
	var channel, state, slipState string
	var created, purged, next, sent, printed sql.NullInt64
	if err := row.Scan(&e.UUID, &e.Receipt, &e.FormIDLast4, &e.BoothID, &e.BoothName, &e.Lang, &channel,
		&e.CardMailed, &created, &purged, &state, &e.Attempts, &next, &e.LastError, &sent,
		&slipState, &e.Slip.LastError, &printed, &e.Slip.Reprints); err != nil {
		return nil, err
	}
	e.Channel, e.State, e.Slip.State = booth.Channel(channel), SyncState(state), SlipState(slipState)
	e.MaskedFormID = booth.MaskLast4(e.FormIDLast4)
	e.CreatedAt, e.SentAt, e.Slip.PrintedAt = fromMillis(created), fromMillis(sent), fromMillis(printed)
	e.Purged = purged.Valid
	if e.State == StatePending || e.State == StateSending {
		e.NextAttemptAt = fromMillis(next)
	}
	return &e, nil
}

// Entry returns one application's clear fields and states.
func (s *Store) Entry(ctx context.Context, uuid string) (*Entry, error) {
	e, err := scanEntry(s.db.QueryRowContext(ctx, `SELECT `+entryColumns+` WHERE a.uuid = ?`, uuid))
	if err != nil {
		return nil, mapErr("entry "+uuid, err)
	}
	return e, nil
}
