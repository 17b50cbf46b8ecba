package booth

// Channel is where an application was made.
type Channel string

const (
	// ChannelBooth is a resident's self-service application at a photo booth.
	ChannelBooth Channel = "booth"
	// ChannelCounter is an application at a municipal counter, made with staff, who may verify
	// the resident's identity so that the card is mailed (申請時来庁方式).
	ChannelCounter Channel = "counter"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == ChannelBooth || c == ChannelCounter }

// ParseChannel accepts "booth" or "counter".
func ParseChannel(s string) (Channel, error) {
	if c := Channel(s); c.Valid() {
		return c, nil
	}
	return "", fail(ChannelInvalid, "channel %q is neither booth nor counter", s)
}

// CheckCardMailed: only a counter, where staff verified identity, can have the card mailed.
func CheckCardMailed(c Channel, mailed bool) error {
	if mailed && c != ChannelCounter {
		return fail(CardMailedNotCounter, "only counter applications can have the card mailed")
	}
	return nil
}
