package intake

import (
	"context"
	"testing"
	"time"

	"github.com/idbooth/idbooth/storage/storagetest"
)

// What decoding a photo may take is counted from its header, and the photos decoded at once
// stay within decodeBudget: the largest photo the spec allows waits for the others.
func TestDecodeBudget(t *testing.T) {
	if got, want := decodeCost(storagetest.Photo(600, 800, 0, 1)), int64(15*600*800); got != want {
		t.Errorf("cost of a 600x800 photo: %d, want %d", got, want)
	}
	if got := decodeCost([]byte("not a JPEG")); got != 0 {
		t.Errorf("cost of no photo: %d", got)
	}
	largest := int64(15 * 6000 * 6000)
	if largest > decodeBudget {
		t.Fatalf("the largest photo (%d MB) does not fit the budget (%d MB)", largest>>20, decodeBudget>>20)
	}

	b := newMemBudget(decodeBudget)
	ctx := context.Background()
	small, _ := b.acquire(ctx, 200<<20)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := b.acquire(short, largest); err == nil {
		t.Fatal("the largest photo was decoded beside another of 200 MB")
	}
	got := make(chan int64)
	go func() { n, _ := b.acquire(ctx, largest); got <- n }()
	select {
	case <-got:
		t.Fatal("the largest photo did not wait")
	case <-time.After(20 * time.Millisecond):
	}
	b.release(small)
	if n := <-got; n != largest {
		t.Fatalf("took %d", n)
	}
	b.release(largest)
	if n, err := b.acquire(ctx, 10*decodeBudget); err != nil || n != decodeBudget {
		t.Fatalf("more than the budget: %d %v", n, err)
	}
}
