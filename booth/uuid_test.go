package booth_test

import (
	"strings"
	"testing"

	"github.com/idbooth/idbooth/booth"
)

// The booth makes random (version 4) UUIDs; anything else is not one of its idempotency keys.
func TestValidUUIDIsARandomUUID(t *testing.T) {
	for i := 0; i < 1000; i++ {
		if u := booth.NewUUID(); !booth.ValidUUID(u) {
			t.Fatalf("NewUUID made %s, which ValidUUID refuses", u)
		}
	}
	for _, u := range []string{
		"00000000-0000-0000-0000-000000000000", // nil
		"ffffffff-ffff-ffff-ffff-ffffffffffff", // max
		"6ba7b810-9dad-11d1-80b4-00c04fd430c8", // version 1
		"0b7f3c1e-5d2a-3c8e-9f10-2a3b4c5d6e7f", // version 3
		"0b7f3c1e-5d2a-4c8e-cf10-2a3b4c5d6e7f", // version 4, Microsoft variant
		"0b7f3c1e-5d2a-4c8e-7f10-2a3b4c5d6e7f", // version 4, NCS variant
		strings.ToUpper("0b7f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"),
		"0b7f3c1e5d2a4c8e9f102a3b4c5d6e7f",
		"{0b7f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f}",
	} {
		if booth.ValidUUID(u) {
			t.Errorf("%s accepted", u)
		}
	}
	if !booth.ValidUUID("0b7f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f") {
		t.Error("a version 4 UUID refused")
	}
}
