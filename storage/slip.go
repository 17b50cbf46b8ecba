package storage

import (
	"context"

	"github.com/idbooth/idbooth/booth"
)

// SlipInfo is an application's slip, ready for its next print, and how its printing went. It
// holds no personal data.
type SlipInfo struct {
	// Receipt is what the next print shows; its Reprint counts the prints before it.
	Receipt booth.Receipt
	Slip    Slip
}

// SlipInfo returns the slip of the application uuid (ErrNotFound if unknown). It stays available
// after retention purged the personal data, for reprints.
func (s *Store) SlipInfo(ctx context.Context, uuid string) (*SlipInfo, error) {
	e, err := s.Entry(ctx, uuid)
	if err != nil {
		return nil, err
	}
	r := booth.Receipt{Application: e.UUID, Number: e.Receipt, CreatedAt: e.CreatedAt, BoothID: e.BoothID,
		BoothName: e.BoothName, FormIDLast4: e.FormIDLast4, Lang: e.Lang, Channel: e.Channel, CardMailed: e.CardMailed}
	// The first print, then the reprints counted after it.
	if !e.Slip.PrintedAt.IsZero() {
		r.Reprint = e.Slip.Reprints + 1
	}
	return &SlipInfo{Receipt: r, Slip: e.Slip}, nil
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
