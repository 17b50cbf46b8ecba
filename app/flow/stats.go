package flow

import (
	"sort"
	"time"

	"github.com/idbooth/idbooth/booth"
)

// Stats are today's counts (in Japan's calendar) for the operator screen: no personal data.
type Stats struct {
	Day          booth.Date
	Sessions     int // residents who pressed Start
	Applications int // applications queued
	Photos       int // photos taken
	Retakes      int // photos the check refused: each asks the resident for another
	Overrides    int // refused photos staff accepted
	SlipFailures int
	problems     map[string]int
}

// ProblemCount is a photo problem code and how often it was a refused photo's first problem
// today.
type ProblemCount struct {
	Code  string
	Count int
}

// TopProblems lists today's most frequent photo problems, most frequent first.
func (s Stats) TopProblems(n int) []ProblemCount {
	var out []ProblemCount
	for c, k := range s.problems {
		out = append(out, ProblemCount{c, k})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out[:min(n, len(out))]
}

func (s *Stats) reset(now time.Time) { *s = Stats{Day: booth.Today(now), problems: map[string]int{}} }

func (s *Stats) rollOver(now time.Time) {
	if booth.Today(now) != s.Day {
		s.reset(now)
	}
}

// refused counts a refused photo and its first problem.
func (s *Stats) refused(codes []string) {
	s.Retakes++
	if len(codes) > 0 {
		s.problems[codes[0]]++
	}
}
