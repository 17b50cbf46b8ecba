package identity

// Record is what an application keeps of the verification: which kinds of document were seen,
// by whom, the combinations met and who came — never a document's number or issue date.
type Record struct {
	OK         bool       `json:"ok"`
	Attendance Attendance `json:"attendance"`
	AdultWard  bool       `json:"adult_ward,omitempty"`
	// Applicant and Representative are the document IDs seen (Documents), in the order given.
	Applicant      []string `json:"applicant"`
	Representative []string `json:"representative,omitempty"`
	// Combination and RepresentativeCombination are the combinations met ("" if none).
	Combination               string `json:"combination,omitempty"`
	RepresentativeCombination string `json:"representative_combination,omitempty"`
	Refusal                   string `json:"refusal,omitempty"`
}

// NewRecord is the record of case c with its verdict v.
func NewRecord(c Case, v Verdict) Record {
	return Record{OK: v.OK, Attendance: c.Attendance, AdultWard: c.AdultWard,
		Applicant: docIDs(c.Applicant), Representative: docIDs(c.Representative),
		Combination: v.Applicant, RepresentativeCombination: v.Representative, Refusal: v.Refusal}
}

func docIDs(seen []Seen) []string {
	out := make([]string, 0, len(seen))
	for _, s := range seen {
		out = append(out, s.Doc)
	}
	return out
}

// Valid reports whether r names only known documents, attendances and combinations, so that
// nothing else (a typed number) can be stored in their place.
func (r Record) Valid() bool {
	switch r.Attendance {
	case InPerson, WithRepresentative, Proxy:
	default:
		return false
	}
	for _, list := range [][]string{r.Applicant, r.Representative} {
		if len(list) > len(Documents) {
			return false
		}
		for _, id := range list {
			if _, ok := Find(id); !ok {
				return false
			}
		}
	}
	known := func(id string) bool {
		if id == "" {
			return true
		}
		for _, c := range Combinations {
			if c.ID == id {
				return true
			}
		}
		return false
	}
	refusalOK := r.Refusal == "" || r.Refusal == RefusalProxy || r.Refusal == RefusalNeedsRep
	return known(r.Combination) && known(r.RepresentativeCombination) && refusalOK && !(r.OK && r.Combination == "")
}
