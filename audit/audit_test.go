package audit

import (
	"testing"
	"time"
)

// Fields are length-prefixed: moving a byte from one field to the next changes the hash.
func TestCanonicalIsUnambiguous(t *testing.T) {
	at := time.Date(2026, 11, 30, 1, 2, 3, 4_000_000, time.UTC)
	a := New(1, Genesis, Event{Kind: Reprint, Clerk: "S1", Subject: "2"}, at)
	b := New(1, Genesis, Event{Kind: Reprint, Clerk: "S", Subject: "12"}, at)
	c := New(11, Genesis, Event{Kind: Reprint, Clerk: "S", Subject: "2"}, at)
	if a.Hash == b.Hash || a.Hash == c.Hash || b.Hash == c.Hash {
		t.Fatal("different entries with the same hash")
	}
	// Time is kept to the millisecond, as stored.
	if !a.At.Equal(at.Truncate(time.Millisecond)) || a.Sum(Genesis) != a.Hash {
		t.Fatalf("%v %v", a.At, a.Sum(Genesis) == a.Hash)
	}
}

func chain(n int) []Entry {
	var out []Entry
	prev := Genesis
	for i := 1; i <= n; i++ {
		e := New(int64(i), prev, Event{Kind: SignIn, Clerk: "S1"}, time.UnixMilli(int64(i)*1000))
		out = append(out, e)
		prev = e.Hash
	}
	return out
}

func TestVerifier(t *testing.T) {
	var v Verifier
	for _, e := range chain(5) {
		v.Add(e)
	}
	if r := v.End(5); !r.OK || r.Entries != 5 || r.HeadSeq != 5 || r.Head == "" {
		t.Fatalf("%+v", r)
	}
	// An empty log that once had entries.
	var empty Verifier
	if r := empty.End(3); r.OK || len(r.Problems) != 1 || r.Problems[0] != (Problem{Seq: 1, Code: Missing, To: 3}) {
		t.Fatalf("%+v", r)
	}
	// A first entry that does not start from Genesis (the ones before it deleted and renumbered
	// is caught as moved; one re-hashed from another chain as broken).
	es := chain(3)
	es[0].Prev = es[2].Hash
	es[0].Hash = es[0].Sum(es[0].Prev)
	var v2 Verifier
	for _, e := range es {
		v2.Add(e)
	}
	if r := v2.End(3); r.OK || r.Problems[0] != (Problem{Seq: 1, Code: ChainBroken}) {
		t.Fatalf("%+v", r)
	}
	// Problems are capped; the rest counted.
	var v3 Verifier
	for _, e := range chain(MaxProblems + 10) {
		e.Detail = "edited"
		v3.Add(e)
	}
	if r := v3.End(0); len(r.Problems) != MaxProblems || r.More != 10 {
		t.Fatalf("%d listed, %d more", len(r.Problems), r.More)
	}
	if (Event{Kind: "x"}).Valid() || !(Event{Kind: Export, Detail: "report 2026-11-30"}).Valid() {
		t.Error("Valid")
	}
}

// BenchmarkVerify: one entry of a sound log (a hash and a link check).
func BenchmarkVerify(b *testing.B) {
	es := chain(1000)
	b.ResetTimer()
	for b.Loop() {
		var v Verifier
		for _, e := range es {
			v.Add(e)
		}
		v.End(1000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(es)), "ns/entry")
}
