package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// DefaultCompactAfter is how long sent applications keep their row before only the daily
// summary counts them (Config.CompactAfter).
const DefaultCompactAfter = 365 * 24 * time.Hour

// compactBatch is how many applications one compaction transaction folds, so that the write
// lock is never held long (the kiosk may be enqueueing).
const compactBatch = 1000

// compactDue is the oldest applications to compact: sent, their personal data removed, created
// before the cutoff; a range of outbox_state.
const compactDue = `SELECT o.uuid, a.booth_id, a.created_at, a.channel = 'counter', a.card_mailed,
	a.photo_overridden, a.slip_printed_at IS NOT NULL, a.slip_reprints, o.attempts
	FROM outbox o JOIN applications a USING (uuid)
	WHERE o.state = 'sent' AND o.created_at <= ? AND +o.purged = 1
	ORDER BY o.created_at, o.uuid LIMIT ?`

// Day is one booth's compacted applications of one day (in Japan): counts only.
type Day struct {
	Day             string `json:"day"` // YYYY-MM-DD
	BoothID         string `json:"booth_id"`
	Applications    int    `json:"applications"`
	Counter         int    `json:"counter"` // taken at a counter; the others at the booth
	CardMailed      int    `json:"card_mailed"`
	PhotoOverridden int    `json:"photo_overridden"`
	SlipsPrinted    int    `json:"slips_printed"`
	SlipReprints    int    `json:"slip_reprints"`
	SendAttempts    int    `json:"send_attempts"`
}

func (d *Day) add(o Day) {
	d.Applications += o.Applications
	d.Counter += o.Counter
	d.CardMailed += o.CardMailed
	d.PhotoOverridden += o.PhotoOverridden
	d.SlipsPrinted += o.SlipsPrinted
	d.SlipReprints += o.SlipReprints
	d.SendAttempts += o.SendAttempts
}

// Compact folds the applications sent and purged that were created more than
// Config.CompactAfter ago into the daily summary (Days) and deletes their rows: Stats still
// counts them, List and Entry no longer show them; the file gives their pages back. Purge calls
// it. It returns how many it folded.
func (s *Store) Compact(ctx context.Context) (int, error) {
	if s.compactAfter < 0 {
		return 0, nil
	}
	cutoff := s.nowMillis() - s.compactAfter.Milliseconds()
	free, _, err := s.pageCounts(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		n, err := s.compactOnce(ctx, cutoff)
		total += n
		if err != nil {
			return total, err
		}
		if n < compactBatch {
			break
		}
	}
	if total == 0 {
		return 0, nil
	}
	// The pages the deleted rows held go back to the file system: the file does not keep the
	// size of the years it no longer holds.
	after, _, err := s.pageCounts(ctx)
	if err != nil {
		return total, err
	}
	return total, s.giveBackPages(ctx, after-free)
}

func (s *Store) compactOnce(ctx context.Context, cutoff int64) (int, error) {
	var n int
	err := s.withTx(ctx, "compact", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, compactDue, cutoff, compactBatch)
		if err != nil {
			return err
		}
		var uuids []string
		days := map[[2]string]*Day{}
		var order [][2]string
		for rows.Next() {
			var u string
			var created int64
			var d Day
			if err := rows.Scan(&u, &d.BoothID, &created, &d.Counter, &d.CardMailed, &d.PhotoOverridden,
				&d.SlipsPrinted, &d.SlipReprints, &d.SendAttempts); err != nil {
				rows.Close()
				return err
			}
			d.Applications = 1
			d.Day = time.UnixMilli(created).In(booth.JST).Format(time.DateOnly)
			k := [2]string{d.Day, d.BoothID}
			if days[k] == nil {
				days[k] = &Day{Day: d.Day, BoothID: d.BoothID}
				order = append(order, k)
			}
			days[k].add(d)
			uuids = append(uuids, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, k := range order {
			d := days[k]
			if _, err := tx.ExecContext(ctx, `INSERT INTO daily (day, booth_id, applications, counter, card_mailed,
				photo_overridden, slips_printed, slip_reprints, send_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (day, booth_id) DO UPDATE SET applications = applications + excluded.applications,
				counter = counter + excluded.counter, card_mailed = card_mailed + excluded.card_mailed,
				photo_overridden = photo_overridden + excluded.photo_overridden,
				slips_printed = slips_printed + excluded.slips_printed,
				slip_reprints = slip_reprints + excluded.slip_reprints,
				send_attempts = send_attempts + excluded.send_attempts`,
				d.Day, d.BoothID, d.Applications, d.Counter, d.CardMailed, d.PhotoOverridden,
				d.SlipsPrinted, d.SlipReprints, d.SendAttempts); err != nil {
				return err
			}
		}
		for _, u := range uuids {
			for _, q := range []string{`DELETE FROM outbox WHERE uuid = ?`, `DELETE FROM sealed WHERE uuid = ?`,
				`DELETE FROM applications WHERE uuid = ?`} {
				if _, err := tx.ExecContext(ctx, q, u); err != nil {
					return err
				}
			}
		}
		n = len(uuids)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Days returns the daily summary of the compacted applications, oldest day first.
func (s *Store) Days(ctx context.Context) ([]Day, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, booth_id, applications, counter, card_mailed, photo_overridden,
		slips_printed, slip_reprints, send_attempts FROM daily ORDER BY day, booth_id`)
	if err != nil {
		return nil, mapErr("days", err)
	}
	defer rows.Close()
	var out []Day
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Day, &d.BoothID, &d.Applications, &d.Counter, &d.CardMailed, &d.PhotoOverridden,
			&d.SlipsPrinted, &d.SlipReprints, &d.SendAttempts); err != nil {
			return nil, mapErr("days", err)
		}
		out = append(out, d)
	}
	return out, mapErr("days", rows.Err())
}
