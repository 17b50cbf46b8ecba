package storage

import (
	"context"
	"time"
)

// SlipInfo is what the slip renderer needs for one application; it holds no personal data.
type SlipInfo struct {
	UUID    string
	Receipt string
	// CreatedAt is when the resident confirmed the application.
	CreatedAt time.Time
	BoothID   string
	BoothName string
	// FormIDLast4 and MaskedFormID ("***-****-****-****-****-1234") identify the form on the slip.
	FormIDLast4  string
	MaskedFormID string
	// Lang is the language the resident chose.
	Lang    string
	Channel Channel
	// CardMailed: the card is mailed to the resident (counter, identity verified).
	CardMailed bool
	Slip       Slip
}

// SlipInfo returns what a slip shows for the application uuid (ErrNotFound if unknown). It
// stays available after retention purged the personal data, for reprints.
func (s *Store) SlipInfo(ctx context.Context, uuid string) (*SlipInfo, error) {
	e, err := s.Entry(ctx, uuid)
	if err != nil {
		return nil, err
	}
	return &SlipInfo{UUID: e.UUID, Receipt: e.Receipt, CreatedAt: e.CreatedAt, BoothID: e.BoothID,
		BoothName: e.BoothName, FormIDLast4: e.FormIDLast4, MaskedFormID: e.MaskedFormID, Lang: e.Lang,
		Channel: e.Channel, CardMailed: e.CardMailed, Slip: e.Slip}, nil
}

// MarkSlipPrinted records a printed slip: the first print sets PrintedAt, later ones count as
// reprints.
func (s *Store) MarkSlipPrinted(ctx context.Context, uuid string) error {
	return s.setSlip(ctx, "mark slip printed", uuid, `UPDATE applications SET
		slip_reprints = slip_reprints + (slip_printed_at IS NOT NULL),
		slip_printed_at = COALESCE(slip_printed_at, ?),
		slip_state = 'printed', slip_error = '' WHERE uuid = ?`, s.nowMillis(), uuid)
}

// MarkSlipFailed records that printing the slip failed, and why. A slip printed before stays
// counted as printed (PrintedAt kept) but the state shows the failed reprint.
func (s *Store) MarkSlipFailed(ctx context.Context, uuid string, printErr error) error {
	msg := "unknown error"
	if printErr != nil {
		msg = printErr.Error()
	}
	return s.setSlip(ctx, "mark slip failed", uuid, `UPDATE applications SET slip_state = 'failed', slip_error = ?
		WHERE uuid = ?`, msg, uuid)
}

func (s *Store) setSlip(ctx context.Context, op, uuid, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return mapErr(op+" "+uuid, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return mapErr(op+" "+uuid, ErrNotFound)
	}
	return nil
}
