package main

import (
	"fmt"

	"github.com/idbooth/idbooth/booth"
	"github.com/idbooth/idbooth/capture/imagefile"
	"github.com/idbooth/idbooth/capture/photo"
)

// submitPhoto is the outcome of the photo step of `idbooth submit`.
type submitPhoto struct {
	// JPEG is what is queued: the checker's 35:45 crop, or (staff override, no crop possible)
	// the file itself.
	JPEG []byte
	// Check is the summary recorded on the application, with staff's reason if any.
	Check booth.PhotoCheck
	// Problems are the checker's findings.
	Problems []photo.Problem
	// Err says why the photo cannot be submitted (booth.AcceptPhoto's policy); nil when it can.
	Err error
}

// checkSubmitPhoto checks the photo file exactly as the kiosk checks a still, then applies the
// staff override policy (booth.AcceptPhoto). The returned error is an I/O error (missing file).
func checkSubmitPhoto(path, overrideReason string, opts photo.Options) (*submitPhoto, error) {
	checker, err := photo.NewChecker(opts)
	if err != nil {
		return nil, fmt.Errorf("photo checker: %w", err)
	}
	defer checker.Close()
	res, err := checker.CheckFile(path)
	if err != nil {
		return nil, err
	}
	out := &submitPhoto{Problems: res.Problems, JPEG: res.JPEG}
	check := booth.PhotoCheck{OK: res.OK}
	for _, c := range res.Codes() {
		check.Problems = append(check.Problems, string(c))
	}
	if out.Check, out.Err = booth.AcceptPhoto(check, overrideReason); out.Err != nil {
		return out, nil
	}
	if len(out.JPEG) == 0 {
		// Overridden, but no crop could be planned (no face found): staff accept the file as it
		// is, which must still meet the upload spec (ValidatePhotoJPEG judges its size). The file
		// was read as safely for the check; changed since, it is refused here.
		if out.JPEG, err = imagefile.Read(path, imagefile.MaxFileBytes); err != nil {
			return nil, err
		}
	}
	if err := booth.ValidatePhotoJPEG(out.JPEG); err != nil {
		out.Err = err
	}
	return out, nil
}
