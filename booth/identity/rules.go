package identity

import (
	"fmt"
	"slices"
	"sort"

	"github.com/idbooth/idbooth/booth"
)

// A Combination is a set of documents that together verify a person's identity: at least
// Need[c] documents of each class c.
type Combination struct {
	ID   string // its name in the record and in the catalogs ("counter.combination.<ID>")
	Need map[Class]int
}

// Combinations are the accepted combinations (DESIGN §1), in the order the record names the
// first one met.
var Combinations = []Combination{
	{ID: "one_a", Need: map[Class]int{ClassA: 1}},
	{ID: "two_a", Need: map[Class]int{ClassA: 2}},
	{ID: "a_and_b", Need: map[Class]int{ClassA: 1, ClassB: 1}},
	{ID: "notice_and_two_b", Need: map[Class]int{ClassNotice: 1, ClassB: 2}},
}

// RepresentativeUnder is the age under which a legal representative applies with the child.
const RepresentativeUnder = 15

// Attendance is who came to the counter.
type Attendance string

const (
	// InPerson: the applicant, alone or with someone who is not applying for them.
	InPerson Attendance = "in_person"
	// WithRepresentative: the applicant with their legal representative (a parent of a child
	// under 15, the guardian of an adult ward).
	WithRepresentative Attendance = "with_representative"
	// Proxy: someone else, without the applicant. Never accepted for a mailed card.
	Proxy Attendance = "proxy"
)

// Seen is a document the clerk checked. IssuedOn matters only for documents whose list depends
// on it (the certificate of driving history); the document's number is never recorded.
type Seen struct {
	Doc      string     `json:"doc"`
	IssuedOn booth.Date `json:"issued_on,omitzero"`
}

// Case is what the clerk entered.
type Case struct {
	BirthDate booth.Date
	// Day is the application's day (JST).
	Day        booth.Date
	AdultWard  bool
	Attendance Attendance
	// Applicant's documents; Representative's own documents and the proof of their authority.
	Applicant, Representative []Seen
}

// Need is a number of documents of a class still missing.
type Need struct {
	Class Class `json:"class"`
	Count int   `json:"count"`
}

// Verdict is the engine's answer, for the screen and the record.
type Verdict struct {
	OK bool `json:"ok"`
	// Refusal names a rule that no document can satisfy ("counter.refusal.<code>"), or "".
	Refusal string `json:"refusal,omitempty"`
	// Applicant and Representative are the first combination each met ("" if none or n/a).
	Applicant      string `json:"applicant,omitempty"`
	Representative string `json:"representative,omitempty"`
	// Missing are, per person, the ways to complete a combination: each a set of documents
	// still needed, the smallest first ("one more from A, or two from B").
	MissingApplicant      []Missing `json:"missing_applicant,omitempty"`
	MissingRepresentative []Missing `json:"missing_representative,omitempty"`
}

// Missing is one way to complete a combination.
type Missing []Need

// Refusals: rules that no document can satisfy.
const (
	RefusalProxy    = "proxy"                   // no proxy for a mailed card
	RefusalNeedsRep = "representative_required" // under 15 or an adult ward came alone
)

// Verify applies the rules to c.
func Verify(c Case) (Verdict, error) {
	var v Verdict
	for _, s := range append(append([]Seen(nil), c.Applicant...), c.Representative...) {
		if _, ok := Find(s.Doc); !ok {
			return v, fmt.Errorf("identity: unknown document %q", s.Doc)
		}
	}
	if c.Day.Before(c.BirthDate) {
		return v, fmt.Errorf("identity: the birth date is after the application day")
	}
	needsRep := c.AdultWard || c.BirthDate.AgeOn(c.Day) < RepresentativeUnder
	switch {
	case c.Attendance == Proxy:
		v.Refusal = RefusalProxy
		return v, nil
	case needsRep && c.Attendance != WithRepresentative:
		v.Refusal = RefusalNeedsRep
		return v, nil
	}
	counts := count(c.Applicant)
	v.Applicant, v.MissingApplicant = judge(counts)
	v.OK = v.Applicant != ""
	if c.Attendance == WithRepresentative && needsRep {
		rc := count(c.Representative)
		v.Representative, v.MissingRepresentative = judge(rc)
		if rc[ClassAuthority] == 0 {
			// The proof of representation is needed whichever way the identity is completed.
			if len(v.MissingRepresentative) == 0 {
				v.MissingRepresentative = []Missing{nil}
			}
			for i := range v.MissingRepresentative {
				v.MissingRepresentative[i] = append(v.MissingRepresentative[i], Need{ClassAuthority, 1})
			}
		}
		v.OK = v.OK && v.Representative != "" && rc[ClassAuthority] > 0
	}
	return v, nil
}

// count counts each person's documents by the class they count in; a document shown twice
// counts once.
func count(seen []Seen) map[Class]int {
	n := map[Class]int{}
	done := map[string]bool{}
	for _, s := range seen {
		if done[s.Doc] {
			continue
		}
		done[s.Doc] = true
		d, _ := Find(s.Doc)
		n[d.ClassOn(s.IssuedOn)]++
	}
	return n
}

// judge returns the first combination counts meet; or, when none is met, the ways to complete
// one, the fewest documents first, leaving out a way that needs everything another needs and
// more (two from A when one from A would do).
func judge(counts map[Class]int) (string, []Missing) {
	var ways []Missing
	for _, comb := range Combinations {
		var m Missing
		for class, need := range comb.Need {
			if short := need - counts[class]; short > 0 {
				m = append(m, Need{class, short})
			}
		}
		if len(m) == 0 {
			return comb.ID, nil
		}
		sort.Slice(m, func(i, j int) bool { return m[i].Class < m[j].Class })
		ways = append(ways, m)
	}
	sort.SliceStable(ways, func(i, j int) bool { return ways[i].total() < ways[j].total() })
	var out []Missing
	for _, w := range ways {
		if !slices.ContainsFunc(out, func(o Missing) bool { return o.within(w) }) {
			out = append(out, w)
		}
	}
	return "", out
}

func (m Missing) total() int {
	n := 0
	for _, x := range m {
		n += x.Count
	}
	return n
}

// within reports whether every need of m is also in w, at least as many.
func (m Missing) within(w Missing) bool {
	for _, x := range m {
		if !slices.ContainsFunc(w, func(y Need) bool { return y.Class == x.Class && y.Count >= x.Count }) {
			return false
		}
	}
	return true
}
