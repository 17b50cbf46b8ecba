package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/qr"
	"github.com/idbooth/idbooth/storage"
	"github.com/idbooth/idbooth/upload"
)

func init() {
	commands["submit"] = command{summary: "queue one application as the kiosk does (photo checked first)", run: runSubmit}
}

// yesNo is a flag taking yes or no (true/false also accepted, for config files).
type yesNo bool

func (v *yesNo) String() string {
	if v != nil && *v {
		return "yes"
	}
	return "no"
}

func (v *yesNo) Set(s string) error {
	switch strings.ToLower(s) {
	case "yes", "true":
		*v = true
	case "no", "false":
		*v = false
	default:
		return errors.New("want yes or no")
	}
	return nil
}

// submitResult is the line `idbooth submit` prints.
type submitResult struct {
	OK         bool              `json:"ok"`
	UUID       string            `json:"uuid,omitempty"`
	Receipt    string            `json:"receipt,omitempty"`
	MaskedID   string            `json:"masked_id,omitempty"`
	CreatedAt  *time.Time        `json:"created_at,omitempty"`
	State      storage.SyncState `json:"state,omitempty"`
	Channel    storage.Channel   `json:"channel,omitempty"`
	CardMailed bool              `json:"card_mailed,omitempty"`
	PhotoCheck *submitPhotoCheck `json:"photo_check,omitempty"`
	// Error is a stable code when the application was not queued; Message is for people.
	Error    string          `json:"error,omitempty"`
	Message  string          `json:"message"`
	Problems []photo.Problem `json:"problems,omitempty"`
}

type submitPhotoCheck struct {
	OK         bool     `json:"ok"`
	Problems   []string `json:"problems,omitempty"`
	Overridden bool     `json:"overridden"`
}

// maxAge bounds a plausible date of birth.
const maxAge = 130

func runSubmit(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "submit", "--id ID --dob YYYY-MM-DD --photo FILE [flags]")
	id := fs.String("id", "", "23-digit application ID of the form (申請書ID)")
	dob := fs.String("dob", "", "date of birth, YYYY-MM-DD")
	photoFile := fs.String("photo", "", "photo file (checked and cropped as at the booth)")
	eCert, braille := yesNo(true), yesNo(false)
	fs.Var(&eCert, "e-cert", "issue the electronic certificates: yes or no")
	fs.Var(&braille, "braille", "add the name in braille: yes or no")
	email := fs.String("email", "", "contact e-mail (optional)")
	override := fs.String("accept-photo-as-is", "", "staff: accept a photo the checker flags, for this `REASON`")
	booth := fs.String("booth", hostname(), "booth ID")
	boothName := fs.String("booth-name", "", "booth name printed on the slip")
	channel := fs.String("channel", string(storage.ChannelBooth), "booth or counter")
	mailed := fs.Bool("card-mailed", false, "counter, identity verified: the card is mailed")
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if *id == "" || *dob == "" || *photoFile == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	if ch := storage.Channel(*channel); ch != storage.ChannelBooth && ch != storage.ChannelCounter {
		fmt.Fprintf(env.stderr, "idbooth submit: --channel %q: want booth or counter\n", *channel)
		return exitUsage
	}
	if *mailed && *channel != string(storage.ChannelCounter) {
		fmt.Fprintln(env.stderr, "idbooth submit: --card-mailed is for counter applications (--channel counter)")
		return exitUsage
	}
	msgs := assets.Messages(common.lang)
	refuse := func(code, message string, problems []photo.Problem) int {
		printJSON(env.stdout, submitResult{Error: code, Message: message, Problems: problems})
		return exitFailed
	}

	formID, err := qr.ParsePayload(*id)
	if err != nil {
		return refuse(string(qr.ReasonOf(err)), qr.Message(common.lang, err), nil)
	}
	if problem := checkBirthDate(*dob, time.Now()); problem != "" {
		return refuse("birth_date_"+problem, msgs.T("queue.birth_date."+problem), nil)
	}

	checked, err := checkSubmitPhoto(common.lang, *photoFile, *override)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth submit:", err)
		return exitUsage
	}
	if checked.JPEG == nil {
		code, key := "photo_rejected", "queue.photo.rejected"
		for _, c := range checked.Check.Problems {
			if c == string(photo.NotAnImage) {
				code, key = "photo_unusable", "queue.photo.unusable"
			}
		}
		return refuse(code, msgs.T(key), checked.Problems)
	}
	// Nothing is queued that the intake would refuse for good.
	sum := sha256.Sum256(checked.JPEG)
	if err := upload.ValidatePhoto(checked.JPEG, hex.EncodeToString(sum[:])); err != nil {
		fmt.Fprintln(env.stderr, "idbooth submit: photo outside the upload spec:", err)
		return refuse("photo_unusable", msgs.T("queue.photo.unusable"), checked.Problems)
	}

	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key})
	if err != nil {
		return storageFailure(env, "submit", common.lang, err)
	}
	defer store.Close()
	app := &storage.Application{
		FormID: formID, BirthDate: *dob,
		Options: storage.Options{ECertificate: bool(eCert), Braille: bool(braille), Email: *email},
		Photo:   checked.JPEG, PhotoCheck: checked.Check,
		BoothID: *booth, BoothName: *boothName, Lang: msgs.Lang(),
		Channel: storage.Channel(*channel), CardMailed: *mailed,
	}
	if err := store.Enqueue(ctx, app); err != nil {
		return storageFailure(env, "submit", common.lang, err)
	}
	created := app.CreatedAt
	printJSON(env.stdout, submitResult{
		OK: true, UUID: app.UUID, Receipt: app.Receipt, MaskedID: storage.MaskFormID(formID[len(formID)-4:]), CreatedAt: &created,
		State: storage.StatePending, Channel: app.Channel, CardMailed: app.CardMailed,
		PhotoCheck: &submitPhotoCheck{OK: checked.Check.OK, Problems: checked.Check.Problems, Overridden: checked.Check.Overridden()},
		Message:    msgs.T("queue.saved", app.Receipt),
	})
	return exitOK
}

// checkBirthDate returns "" for a real date that is not in the future and gives a plausible
// age, else what is wrong: invalid, future or implausible.
func checkBirthDate(s string, now time.Time) string {
	d, err := time.Parse(time.DateOnly, s)
	switch {
	case err != nil:
		return "invalid"
	case d.After(now):
		return "future"
	case d.Before(now.AddDate(-maxAge, 0, 0)):
		return "implausible"
	}
	return ""
}

// storageFailure reports a queue error: the translated message for people on stdout (as a
// result line), the precise error for operators on stderr. It is an I/O error: exit 2.
func storageFailure(env *cliEnv, cmd, lang string, err error) int {
	fmt.Fprintf(env.stderr, "idbooth %s: %v\n", cmd, err)
	printJSON(env.stdout, submitResult{Error: "storage", Message: assets.Messages(lang).T(storage.MessageKey(err))})
	return exitUsage
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "booth"
	}
	return h
}
