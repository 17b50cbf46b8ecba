package audit

// Problem codes of a verification. Stable: `idbooth audit verify` prints them.
const (
	// Edited: the entry's content does not give its hash.
	Edited = "edited"
	// Moved: the entry's content gives its hash under another sequence number (From): entries
	// were reordered.
	Moved = "moved"
	// ChainBroken: the entry does not link to the entry before it (one was removed, inserted or
	// moved before it).
	ChainBroken = "chain_broken"
	// Missing: sequence numbers from Seq to To are absent (entries deleted).
	Missing = "missing"
	// Unprotected: the database triggers that refuse changes to entries are gone (Seq 0).
	Unprotected = "unprotected"
)

// Problem is one finding of Verifier.
type Problem struct {
	Seq  int64  `json:"seq"`
	Code string `json:"code"`
	// From is where a moved entry belongs; To the last of a run of missing entries.
	From int64 `json:"from,omitempty"`
	To   int64 `json:"to,omitempty"`
}

// Result is what Verifier found.
type Result struct {
	OK       bool      `json:"ok"`
	Entries  int64     `json:"entries"`
	HeadSeq  int64     `json:"head_seq"`
	Head     string    `json:"head"` // the last entry's hash, hex ("" for an empty log)
	Problems []Problem `json:"problems,omitempty"`
	// More is how many problems were found beyond those listed (MaxProblems).
	More int `json:"more,omitempty"`
}

// MaxProblems bounds the problems a Result lists.
const MaxProblems = 1000

// movedWindow is how far from its place Verifier looks for a moved entry's true place.
const movedWindow = 64

// Verifier checks a log fed to it in sequence order, one entry at a time, keeping only the
// previous entry, so a log of any length verifies in constant memory.
type Verifier struct {
	prev *Entry
	r    Result
}

func (v *Verifier) add(p Problem) {
	if len(v.r.Problems) < MaxProblems {
		v.r.Problems = append(v.r.Problems, p)
	} else {
		v.r.More++
	}
}

// Add checks the next entry.
func (v *Verifier) Add(e Entry) {
	v.r.Entries++
	want := int64(1)
	if v.prev != nil {
		want = v.prev.Seq + 1
	}
	if e.Seq > want {
		v.add(Problem{Seq: want, Code: Missing, To: e.Seq - 1})
	}
	if e.Sum(e.Prev) != e.Hash {
		// (the search is skipped once the list is full, so a wholly rewritten log of any
		// length verifies in one hash an entry)
		from := int64(0)
		if len(v.r.Problems) < MaxProblems {
			from = movedFrom(e)
		}
		if from != 0 {
			v.add(Problem{Seq: e.Seq, Code: Moved, From: from})
		} else {
			v.add(Problem{Seq: e.Seq, Code: Edited})
		}
	}
	linkTo := Genesis
	if v.prev != nil {
		linkTo = v.prev.Hash
	}
	if e.Prev != linkTo && e.Seq == want {
		// (after a gap the missing run already says why the link is broken)
		v.add(Problem{Seq: e.Seq, Code: ChainBroken})
	}
	v.prev = &e
}

// movedFrom returns the sequence number under which e's content gives its hash, or 0.
func movedFrom(e Entry) int64 {
	for d := int64(1); d <= movedWindow; d++ {
		for _, s := range []int64{e.Seq - d, e.Seq + d} {
			if s < 1 {
				continue
			}
			m := e
			m.Seq = s
			if m.Sum(m.Prev) == m.Hash {
				return s
			}
		}
	}
	return 0
}

// Flag records a problem found outside the entries (Unprotected).
func (v *Verifier) Flag(code string) { v.add(Problem{Code: code}) }

// End finishes the verification. highest is the highest sequence number the store ever gave
// out (0 if unknown): entries after the last one seen were deleted.
func (v *Verifier) End(highest int64) Result {
	last := int64(0)
	if v.prev != nil {
		last = v.prev.Seq
		v.r.HeadSeq, v.r.Head = v.prev.Seq, v.prev.Hash.String()
	}
	if highest > last {
		v.add(Problem{Seq: last + 1, Code: Missing, To: highest})
	}
	v.r.OK = len(v.r.Problems) == 0
	return v.r
}
