package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// personal is what is sealed together under the "personal" field.
type personal struct {
	FormID     booth.FormID     `json:"form_id"`
	BirthDate  booth.Date       `json:"birth_date"`
	Options    booth.Options    `json:"options"`
	PhotoCheck booth.PhotoCheck `json:"photo_check"`
}

// receiptAlphabet is the booth's (booth.ValidReceipt checks what the intake receives).
const receiptAlphabet = booth.ReceiptAlphabet

// newReceipt returns a short receipt number such as "7KQ4-M2XH".
func newReceipt() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	var sb strings.Builder
	for i, c := range b {
		if i == 4 {
			sb.WriteByte('-')
		}
		sb.WriteByte(receiptAlphabet[int(c)%len(receiptAlphabet)])
	}
	return sb.String()
}

// Enqueue stores a confirmed application and its outbox entry in one durable transaction.
// It fills in a.UUID (when empty), a.Receipt and a.CreatedAt. Once it returns nil the
// application survives a crash or power cut. An application with the same UUID already queued
// gives ErrExists and is left as it is.
func (s *Store) Enqueue(ctx context.Context, a *booth.Application) error {
	return s.enqueue(ctx, a, nil)
}

// enqueue is Enqueue that also runs also (when not nil) in the same transaction, for records
// that must exist exactly when the application does (the counter's, counter.go).
func (s *Store) enqueue(ctx context.Context, a *booth.Application, also func(tx *sql.Tx) error) error {
	// The queue holds nothing the intake would refuse for good: the same rules as the intake.
	if err := a.Validate(s.now()); err != nil {
		return fmt.Errorf("storage: enqueue: %w (%w)", err, ErrInvalid)
	}
	if a.UUID == "" {
		a.UUID = booth.NewUUID()
	}
	created := s.now().UTC().Truncate(time.Millisecond)
	pers, err := json.Marshal(personal{FormID: a.FormID, BirthDate: a.BirthDate, Options: a.Options, PhotoCheck: a.PhotoCheck})
	if err != nil {
		return fmt.Errorf("storage: enqueue: %w", err)
	}
	sealedPers := s.seal.seal(pers, "personal", a.UUID)
	sealedPhoto := s.seal.seal(a.Photo, "photo", a.UUID)
	// A receipt number can collide with an earlier one: draw again (rare: 31^8 numbers).
	for try := 0; ; try++ {
		receipt := newReceipt()
		err = s.withTx(ctx, "enqueue", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO applications
				(uuid, receipt, form_id_last4, booth_id, booth_name, lang, channel, card_mailed,
				 photo_overridden, photo_size, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				a.UUID, receipt, a.FormID.Last4(), a.BoothID, a.BoothName, a.Lang, string(a.Channel), a.CardMailed,
				a.PhotoCheck.Overridden(), len(a.Photo), created.UnixMilli())
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO sealed (uuid, personal, photo) VALUES (?, ?, ?)`,
				a.UUID, sealedPers, sealedPhoto)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO outbox (uuid, state, next_attempt_at, created_at)
				VALUES (?, 'pending', ?, ?)`, a.UUID, created.UnixMilli(), created.UnixMilli())
			if err != nil || also == nil {
				return err
			}
			return also(tx)
		})
		if err != nil && errors.Is(err, ErrExists) && strings.Contains(err.Error(), "applications.receipt") && try < 5 {
			continue
		}
		if err != nil {
			return err
		}
		a.Receipt, a.CreatedAt = receipt, created
		return nil
	}
}

// Get returns the application with its personal data decrypted. After the retention window
// it returns ErrPurged (the clear fields are still available through Entry).
func (s *Store) Get(ctx context.Context, uuid string) (*booth.Application, error) {
	row := s.db.QueryRowContext(ctx, `SELECT a.uuid, a.receipt, a.booth_id, a.booth_name, a.lang, a.channel,
		a.card_mailed, s.personal, s.photo, a.created_at FROM applications a LEFT JOIN sealed s USING (uuid)
		WHERE a.uuid = ?`, uuid)
	a, err := s.scanApplication(row)
	if err != nil {
		return nil, mapErr("get "+uuid, err)
	}
	return a, nil
}

type scanner interface{ Scan(dest ...any) error }

func (s *Store) scanApplication(row scanner) (*booth.Application, error) {
	var a booth.Application
	var channel string
	var pers, photo []byte
	var created sql.NullInt64
	if err := row.Scan(&a.UUID, &a.Receipt, &a.BoothID, &a.BoothName, &a.Lang, &channel, &a.CardMailed,
		&pers, &photo, &created); err != nil {
		return nil, err
	}
	a.Channel, a.CreatedAt = booth.Channel(channel), fromMillis(created)
	if pers == nil || photo == nil {
		return nil, fmt.Errorf("%w: %s", ErrPurged, a.UUID)
	}
	plain, err := s.seal.open(pers, "personal", a.UUID)
	if err != nil {
		return nil, err
	}
	var p personal
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, fmt.Errorf("%w: personal data of %s: %w", ErrCorrupt, a.UUID, err)
	}
	a.FormID, a.BirthDate, a.Options, a.PhotoCheck = p.FormID, p.BirthDate, p.Options, p.PhotoCheck
	if a.Photo, err = s.seal.open(photo, "photo", a.UUID); err != nil {
		return nil, err
	}
	return &a, nil
}
