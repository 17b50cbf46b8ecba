package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/qr"
	"github.com/idbooth/idbooth/slip"
	"github.com/idbooth/idbooth/storage"
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
	Channel    booth.Channel     `json:"channel,omitempty"`
	CardMailed bool              `json:"card_mailed,omitempty"`
	PhotoCheck *submitPhotoCheck `json:"photo_check,omitempty"`
	// Slip is "printed", "failed" or absent (no --printer).
	Slip      string `json:"slip,omitempty"`
	SlipError string `json:"slip_error,omitempty"`
	// Error is a stable code when the application was not queued; Message is for people.
	Error    string         `json:"error,omitempty"`
	Message  string         `json:"message"`
	Problems []checkProblem `json:"problems,omitempty"`
}

type submitPhotoCheck struct {
	OK         bool     `json:"ok"`
	Problems   []string `json:"problems,omitempty"`
	Overridden bool     `json:"overridden"`
}

func runSubmit(ctx context.Context, env *cliEnv, args []string) int {
	fs, common := newFlagSet(env, "submit", "--id ID --dob YYYY-MM-DD --photo FILE [flags]")
	id := fs.String("id", "", "23-digit application ID of the form (申請書ID)")
	dob := fs.String("dob", "", "date of birth, YYYY-MM-DD")
	photoFile := fs.String("photo", "", "photo file (checked and cropped as at the booth)")
	eCert, braille := yesNo(booth.DefaultOptions.ECertificate), yesNo(booth.DefaultOptions.Braille)
	fs.Var(&eCert, "e-cert", "issue the electronic certificates: yes or no")
	fs.Var(&braille, "braille", "add the name in braille: yes or no")
	email := fs.String("email", "", "contact e-mail (optional)")
	override := fs.String("accept-photo-as-is", "", "staff: accept a photo the checker flags, for this `REASON`")
	boothID := fs.String("booth", hostname(), "booth ID")
	boothName := fs.String("booth-name", "", "booth name printed on the slip")
	channel := fs.String("channel", string(booth.ChannelBooth), "booth or counter")
	mailed := fs.Bool("card-mailed", false, "counter, identity verified: the card is mailed")
	printer := fs.String("printer", "", "print the slip on this printer once queued (as `idbooth slip --printer`; env IDBOOTH_PRINTER)")
	statusURL := fs.String("status-url", slip.DefaultStatusURL, "the status page the slip's QR code leads to")
	photoOpts := photoFlags(fs)
	if !parseFlags(env, fs, args) {
		return exitUsage
	}
	if *id == "" || *dob == "" || *photoFile == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	ch, err := booth.ParseChannel(*channel)
	if err == nil {
		err = booth.CheckCardMailed(ch, *mailed)
	}
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth submit:", err)
		return exitUsage
	}
	var slipPrinter booth.SlipPrinter
	if *printer != "" {
		p, err := slip.OpenPrinter(*printer, slip.Options{})
		if err != nil {
			fmt.Fprintln(env.stderr, "idbooth submit:", err)
			return exitUsage
		}
		slipPrinter = &slip.Booth{Printer: p, StatusURL: *statusURL}
	}
	msgs := assets.Messages(common.lang)
	refuse := func(code string, err error, problems []photo.Problem) int {
		printJSON(env.stdout, submitResult{Error: code, Message: msgs.Error(err), Problems: translateProblems(msgs, problems)})
		return exitFailed
	}

	formID, err := qr.ParsePayload(*id)
	if err != nil {
		return refuse(string(qr.ReasonOf(err)), err, nil)
	}
	birth, err := booth.ParseBirthDate(*dob, time.Now())
	if err != nil {
		return refuse(string(booth.CodeOf(err)), err, nil)
	}
	checked, err := checkSubmitPhoto(*photoFile, *override, *photoOpts)
	if err != nil {
		fmt.Fprintln(env.stderr, "idbooth submit:", err)
		return exitUsage
	}
	if checked.Err != nil {
		code := booth.CodeOf(checked.Err)
		if code != booth.PhotoRejected {
			code = booth.PhotoUnusable // not an image, or outside the upload spec
		}
		return refuse(string(code), &booth.Error{Code: code}, checked.Problems)
	}

	store, err := storage.Open(ctx, storage.Config{Path: common.db, KeyFile: common.key})
	if err != nil {
		return storageFailure(env, "submit", msgs, err)
	}
	defer store.Close()
	submitter := &booth.Submitter{Queue: store, Printer: slipPrinter}
	done, err := submitter.Submit(ctx, &booth.Application{
		FormID: formID, BirthDate: birth,
		Options: booth.Options{ECertificate: bool(eCert), Braille: bool(braille), Email: *email},
		Photo:   checked.JPEG, PhotoCheck: checked.Check,
		BoothID: *boothID, BoothName: *boothName, Lang: msgs.Lang(),
		Channel: ch, CardMailed: *mailed,
	})
	if err != nil {
		if code := booth.CodeOf(err); code != "" {
			fmt.Fprintln(env.stderr, "idbooth submit:", err)
			return refuse(string(code), err, nil)
		}
		return storageFailure(env, "submit", msgs, err)
	}
	a := done.Application
	res := submitResult{
		OK: true, UUID: a.UUID, Receipt: a.Receipt, MaskedID: a.FormID.Mask(), CreatedAt: &a.CreatedAt,
		State: storage.StatePending, Channel: a.Channel, CardMailed: a.CardMailed,
		PhotoCheck: &submitPhotoCheck{OK: a.PhotoCheck.OK, Problems: a.PhotoCheck.Problems, Overridden: a.PhotoCheck.Overridden()},
		Message:    msgs.T("queue.saved", a.Receipt),
	}
	if slipPrinter != nil {
		res.Slip = string(storage.SlipPrinted)
		if done.SlipErr != nil {
			res.Slip, res.SlipError = string(storage.SlipFailed), done.SlipErr.Error()
			res.Message += " " + msgs.Error(done.SlipErr)
		}
	}
	printJSON(env.stdout, res)
	return exitOK
}

// storageFailure reports a queue error: the translated message for people on stdout (as a
// result line), the precise error for operators on stderr. It is an I/O error: exit 2.
func storageFailure(env *cliEnv, cmd string, msgs *assets.Catalog, err error) int {
	fmt.Fprintf(env.stderr, "idbooth %s: %v\n", cmd, err)
	printJSON(env.stdout, submitResult{Error: "storage", Message: msgs.Error(err)})
	return exitUsage
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "booth"
	}
	return h
}
