package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/idbooth/idbooth/app/flow"
	"github.com/idbooth/idbooth/assets"
	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/imagefile"
)

// importTimeout bounds reading a photo from the scanner or a file and checking it.
const importTimeout = 2 * time.Minute

// SubmitCounter queues a counter application through the same Submitter as the kiosk's, with a
// queue that records the clerk and the verification beside it.
func (e *effects) SubmitCounter(req int, a *booth.Application, r *flow.CounterRecord) {
	k := e.k
	e.submitTo(req, a, counterQueue{Queue: k.opt.Store, enqueue: func(ctx context.Context, a *booth.Application) error {
		if r == nil {
			return fmt.Errorf("app: a counter application without its clerk")
		}
		return k.opt.Counter.Enqueue(ctx, a, r)
	}})
}

// counterQueue is the queue with the counter's enqueue.
type counterQueue struct {
	booth.Queue
	enqueue func(ctx context.Context, a *booth.Application) error
}

func (q counterQueue) Enqueue(ctx context.Context, a *booth.Application) error {
	return q.enqueue(ctx, a)
}

// ImportPhoto reads the photo from the scanner or a file and checks it with the same checker as
// the camera's stills. A photo that cannot be read comes back as one that is not an image, with
// a message saying to import it again (the clerk cannot accept it).
func (e *effects) ImportPhoto(req int, src flow.PhotoSource) {
	k := e.k
	e.goWork(func() {
		ctx, cancel := context.WithTimeout(context.Background(), importTimeout)
		defer cancel()
		data, err := readPhoto(ctx, k.opt.Counter.Scanner, src)
		ev := flow.PhotoChecked{Req: req}
		if err == nil {
			start := time.Now()
			res, cerr := k.checker.CheckBytes(data)
			clear(data)
			if cerr != nil {
				err = cerr
			} else {
				ev.Photo = photoOf(res)
				k.log.Info("photo imported", "scanner", src.Scanner, "ok", res.OK, "ms", time.Since(start).Milliseconds())
			}
		}
		if err != nil {
			// The file's name may be a person's: only the kind of source goes in the log.
			k.log.Warn("photo not imported", "scanner", src.Scanner, "err", sourceErr(src, err))
			ev.Photo = &flow.Photo{Problems: []flow.Problem{{Code: booth.NotAnImage, Key: importFailedKey(err)}}}
		}
		fyne.Do(func() { k.send(ev) })
	})
}

func readPhoto(ctx context.Context, sc Scanner, src flow.PhotoSource) ([]byte, error) {
	if src.Scanner {
		if sc == nil {
			return nil, fmt.Errorf("no scanner")
		}
		return sc.Scan(ctx)
	}
	// As every image file: a regular file only (a FIFO would hold the import forever), bounded.
	return imagefile.Read(src.File, imagefile.MaxFileBytes)
}

// sourceErr is err without a file's path.
func sourceErr(src flow.PhotoSource, err error) string {
	var pe *fs.PathError
	if !src.Scanner && errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// Reprint prints the slip of a queued application again and records it in the audit log.
func (e *effects) Reprint(uuid string, c flow.Clerk) {
	k := e.k
	e.goWork(func() {
		ctx, cancel := context.WithTimeout(context.Background(), booth.DefaultPrintTimeout+10*time.Second)
		defer cancel()
		info, err := k.opt.Store.SlipInfo(ctx, uuid)
		if err == nil {
			err = e.submitter(k.opt.Store).PrintSlip(ctx, info.Receipt)
		}
		if err == nil {
			err = k.opt.Counter.Reprinted(ctx, uuid, c)
		}
		if err != nil {
			k.log.Warn("slip not reprinted", "application", uuid, "err", err)
			return
		}
		k.log.Info("slip reprinted", "application", uuid, "reprint", info.Receipt.Reprint)
	})
}

// importFailedKey is the message for a photo that could not be imported: the scanner's own
// (the cover is open, paper jammed ...) when the catalogue has it, else a general one.
func importFailedKey(err error) string {
	if key := booth.MessageKey(err); strings.HasPrefix(key, "counter.") && assets.Messages(assets.DefaultLanguage).Has(key) {
		return key
	}
	return "counter.import.failed"
}
