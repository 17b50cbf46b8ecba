package intake

import (
	"bytes"
	"context"
	"image"
	"sync"

	"github.com/idbooth/idbooth/booth"
)

// decodeBudget bounds the memory the photos being decoded at once may take. Decoding a photo in
// full is the only check whose memory grows with what the request claims: a 450 KB progressive
// JPEG of 6000×6000 px, within the upload spec, takes about 515 MB (Go keeps every coefficient
// of a progressive image), a baseline one a fifth of that, a usual photo a few MB.
const decodeBudget = 640 << 20

// decodeCost bounds from a photo's header what decoding it takes: for a progressive JPEG, the
// decoded image (at most three full-size samples a pixel) and its coefficients (an int32 for
// each of those samples); a baseline one takes a fifth of that, but telling them apart would
// mean a second JPEG parser, so every photo is counted as the worst. A photo whose header does
// not parse, or claims sides over the limit, costs nothing: the checks refuse it before decoding.
func decodeCost(photo []byte) int64 {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(photo))
	if err != nil || cfg.Width > booth.MaxPhotoSide || cfg.Height > booth.MaxPhotoSide {
		return 0
	}
	return 15 * int64(cfg.Width) * int64(cfg.Height)
}

// A memBudget is a weighted semaphore of bytes: a request waits until what it takes is free.
type memBudget struct {
	mu      sync.Mutex
	size    int64
	free    int64
	changed chan struct{}
}

func newMemBudget(size int64) *memBudget {
	return &memBudget{size: size, free: size, changed: make(chan struct{})}
}

// acquire takes n bytes of the budget (all of it when n is more), waiting until they are free
// or ctx is done. It returns what was taken, to release.
func (b *memBudget) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(max(n, 0), b.size)
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return n, nil
		}
		changed := b.changed
		b.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

func (b *memBudget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
	close(b.changed)
	b.changed = make(chan struct{})
}
