package voice

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// A Player plays a sound and returns when it is over, or at once when ctx is cancelled.
type Player interface {
	Play(ctx context.Context, s *Sound) error
}

// APlay plays through ALSA's aplay (package alsa-utils): a process per sound, killed when the
// sound is interrupted.
type APlay struct {
	// Device is an ALSA device ("" for the default).
	Device string
}

func (p APlay) Play(ctx context.Context, s *Sound) error {
	args := []string{"-q"}
	if p.Device != "" {
		args = append(args, "-D", p.Device)
	}
	cmd := exec.CommandContext(ctx, "aplay", append(args, "-")...)
	cmd.Stdin = bytes.NewReader(s.WAV())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("aplay: %v: %s", err, firstLine(stderr.String()))
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
