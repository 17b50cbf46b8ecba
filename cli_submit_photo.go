package main

import (
	"fmt"
	"os"

	"github.com/idbooth/idbooth/capture/photo"
	"github.com/idbooth/idbooth/storage"
)

// submitPhoto is the outcome of the photo step of `idbooth submit`.
type submitPhoto struct {
	// JPEG is what is queued: the checker's 35:45 crop, or (staff override, no crop possible)
	// the file itself. Nil when the photo cannot be submitted.
	JPEG []byte
	// Check is the summary recorded on the application.
	Check storage.PhotoCheck
	// Problems are the checker's findings with the resident's messages.
	Problems []photo.Problem
}

// checkSubmitPhoto checks the photo file exactly as the kiosk checks a still. A flagged photo
// is accepted only with staff's override reason; one that is not an image never is. The
// returned error is an I/O error (missing file); a refused photo has a nil JPEG.
func checkSubmitPhoto(lang, path, overrideReason string) (*submitPhoto, error) {
	checker, err := photo.NewChecker(photo.Options{Lang: lang})
	if err != nil {
		return nil, fmt.Errorf("photo checker: %w", err)
	}
	defer checker.Close()
	res, err := checker.CheckFile(path)
	if err != nil {
		return nil, err
	}
	out := &submitPhoto{Check: storage.PhotoCheck{OK: res.OK}, Problems: res.Problems}
	for _, c := range res.Codes() {
		out.Check.Problems = append(out.Check.Problems, string(c))
	}
	if res.OK {
		out.JPEG = res.JPEG
		return out, nil
	}
	if overrideReason == "" {
		return out, nil
	}
	for _, c := range res.Codes() {
		if c == photo.NotAnImage {
			return out, nil
		}
	}
	out.Check.OverrideReason = overrideReason
	out.JPEG = res.JPEG
	if len(out.JPEG) == 0 {
		// No crop could be planned (no face found): staff accept the file as it is.
		if out.JPEG, err = os.ReadFile(path); err != nil {
			return nil, err
		}
	}
	return out, nil
}
