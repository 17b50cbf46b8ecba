package qr

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/idbooth/idbooth/booth"
)

const testID = "00707305390250374060955"

func TestParsePayload(t *testing.T) {
	ok := []struct{ in, want string }{
		{testID, testID},
		{"88535879161791821255434\r\n", "88535879161791821255434"},
		{"85185-76135-82482-61052-275", "85185761358248261052275"},
		{"405-6562-7855-2765-4418-5200", "40565627855276544185200"},
		{"5281 5423 7518 0783 7523 463", "52815423751807837523463"},
		{"0070 7305-3902 5037 4060 955", testID},
		{"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?shinseiId=" + testID, testID},
		{"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?applicationId=" + testID + "&lang=ja", testID},
		{"HTTPS://example.jp/apply/" + testID, testID},
		{"https://example.jp/apply/" + testID + "/?x=1#frag", testID},
		{"https://example.jp/?id=%30%30707305390250374060955", testID}, // percent-encoded digits
		{"https://example.jp:8443/a?id=" + testID + "&n=12345678901234567890123456", testID},
	}
	for _, c := range ok {
		got, err := ParsePayload(c.in)
		if err != nil || string(got) != c.want {
			t.Errorf("ParsePayload(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []struct {
		in   string
		want Reason
	}{
		{"", ReasonEmpty},
		{" \r\n", ReasonEmpty},
		{"335953628270604618293104", ReasonWrongLength},  // 24 digits
		{"0070730539025037406095", ReasonWrongLength},    // 22 digits
		{"5281  5423 7518 0783 7523 463", ReasonNotForm}, // double separator
		{"-52815423751807837523463", ReasonNotForm},
		{"52815423751807837523463-", ReasonNotForm},
		{"5281_5423_7518_0783_7523_463", ReasonNotForm},
		{"０070730539025037406095５", ReasonNotForm}, // full-width digits are for typed input only
		{"ID " + testID, ReasonNotForm},
		{testID + "x", ReasonNotForm},
		{"http://kojinbango-card.go.jp.account-verify.com/SS_SERVICE_OUT/FA01S001Action.do?shinseiId=37233050829125705909492", ReasonNotHTTPS},
		{"javascript:alert(1)//" + testID, ReasonNotForm},
		{"Http://example.jp/?id=" + testID, ReasonNotHTTPS},
		{"ftp://example.jp/" + testID, ReasonNotHTTPS},
		{"https:" + testID, ReasonBadURL},
		{"https:///" + testID, ReasonBadURL},
		{"https://net.kojinbango-card.go.jp@evil.example/?id=" + testID, ReasonBadURL},
		{"https://example.jp/a b?id=" + testID, ReasonBadURL},
		{"https://example.jp/?id=" + testID + ";x=1", ReasonBadURL},
		{"https://example.jp/?id=" + testID + "&id2=" + testID, ReasonAmbiguous},
		{"https://example.jp/" + testID + "?id=88535879161791821255434", ReasonAmbiguous},
		{"https://example.jp/?id=335953628270604618293104", ReasonNoID},
		{"https://example.jp/?" + testID, ReasonNoID}, // a key, not a value
		{"https://example.jp/apply/" + testID + ".html", ReasonNoID},
		{"https://click.example.net/?redirect=https%3A%2F%2Fexample.jp%2F%3FshinseiId%3D" + testID, ReasonNoID},
		{"https://example.jp/?id=" + testID + "&pad=" + strings.Repeat("a", 600), ReasonTooLong},
		{"https://example.jp/?id=" + testID + "\x00", ReasonBadChars},
		{"\xff\xfe", ReasonBadChars},
		{"hello", ReasonNotForm},
		{"WIFI:S:net;T:WPA;P:secret;;", ReasonNotForm},
	}
	for _, c := range bad {
		got, err := ParsePayload(c.in)
		if err == nil {
			t.Errorf("ParsePayload(%q) = %q, want %s", c.in, got, c.want)
			continue
		}
		if r := ReasonOf(err); r != c.want {
			t.Errorf("ParsePayload(%q): reason %s (%v), want %s", c.in, r, err, c.want)
		}
		if !errors.Is(err, &RejectError{Reason: c.want}) {
			t.Errorf("errors.Is does not match %s", c.want)
		}
		if strings.Contains(err.Error(), "0070730539025037") {
			t.Errorf("error text leaks the payload: %v", err)
		}
	}
}

// FuzzParsePayload checks the parser's invariants on any input: it never panics, an accepted
// payload yields exactly 23 ASCII digits that occur in the payload (directly, or percent-encoded
// in a URL), and a rejection always carries a known reason.
func FuzzParsePayload(f *testing.F) {
	for _, s := range []string{
		testID, "85185-76135-82482-61052-275", "5281 5423 7518 0783 7523 463",
		"https://net.kojinbango-card.go.jp/SS_SERVICE_OUT/FA01S001Action.do?shinseiId=" + testID,
		"http://kojinbango-card.go.jp.account-verify.com/?shinseiId=" + testID,
		"https://a@b/?id=" + testID, "https://x/?id=%30" + testID[1:], "https://x/" + testID + "?a=" + testID,
		"335953628270604618293104", "", "\r\n", "https:", "https://", "://", "a:b", "\xff",
	} {
		f.Add(s)
	}
	known := map[Reason]bool{}
	for _, r := range Reasons {
		known[r] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParsePayload(s)
		if err != nil {
			if id != "" {
				t.Fatalf("rejected payload returned an ID")
			}
			if !known[ReasonOf(err)] {
				t.Fatalf("unknown reason in %v", err)
			}
			return
		}
		if !id.Valid() {
			t.Fatalf("accepted %q: not %d digits", id, booth.FormIDLength)
		}
		if !utf8.ValidString(s) || len(s) > MaxPayloadLength {
			t.Fatalf("accepted an invalid or over-long payload")
		}
		plain := strings.NewReplacer(" ", "", "-", "").Replace(s)
		if !strings.Contains(plain, string(id)) && !strings.Contains(s, "%") {
			t.Fatalf("ID %q does not occur in payload %q", id, s)
		}
	})
}
