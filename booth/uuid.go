package booth

import (
	"crypto/rand"
	"fmt"
	"regexp"
)

// uuidPattern is a random UUID (version 4, RFC 9562 variant) as NewUUID writes it. The nil UUID
// and UUIDs of other versions are not: they are not random, so two booths could make the same.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// ValidUUID reports whether s is a random (version 4) UUID in canonical lower-case form, as
// NewUUID makes them: the idempotency key of an application from the booth to the intake.
func ValidUUID(s string) bool { return uuidPattern.MatchString(s) }

// NewUUID returns a random (version 4) UUID.
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
