package identity

import (
	"reflect"
	"testing"
	"time"

	"github.com/idbooth/idbooth/booth"
)

func date(y, m, d int) booth.Date { return booth.Date{Year: y, Month: time.Month(m), Day: d} }

func docs(ids ...string) []Seen {
	var s []Seen
	for _, id := range ids {
		s = append(s, Seen{Doc: id})
	}
	return s
}

var (
	day   = date(2026, 11, 30)
	adult = date(1985, 6, 15)
)

// Every accepted combination and the near misses (DESIGN §1, issue 12).
func TestVerify(t *testing.T) {
	oldDriving := []Seen{{Doc: "driving_history_certificate", IssuedOn: date(2011, 5, 1)}}
	newDriving := []Seen{{Doc: "driving_history_certificate", IssuedOn: date(2012, 4, 1)}}
	withParent := func(c Case) Case {
		c.Attendance = WithRepresentative
		c.Representative = docs("drivers_licence", "family_register")
		return c
	}
	cases := []struct {
		name string
		c    Case
		ok   bool
		comb string
		want Verdict
	}{
		{name: "one from A", c: Case{Applicant: docs("drivers_licence")}, ok: true, comb: "one_a"},
		{name: "passport", c: Case{Applicant: docs("passport")}, ok: true, comb: "one_a"},
		{name: "residence card", c: Case{Applicant: docs("residence_card")}, ok: true, comb: "one_a"},
		{name: "two from A", c: Case{Applicant: docs("passport", "residence_card")}, ok: true, comb: "one_a"},
		{name: "A and B", c: Case{Applicant: docs("physical_disability_certificate", "health_insurance")}, ok: true, comb: "one_a"},
		{name: "notification card and two from B", c: Case{Applicant: docs("notification_card", "health_insurance", "pension_book")}, ok: true, comb: "notice_and_two_b"},
		{name: "Individual Number Notice and two from B", c: Case{Applicant: docs("individual_number_notice", "student_id", "health_insurance")}, ok: true, comb: "notice_and_two_b"},
		{name: "driving history from 2012-04-01", c: Case{Applicant: newDriving}, ok: true, comb: "one_a"},
		{name: "driving history before 2012-04-01 counts as B", c: Case{Applicant: append(docs("notification_card", "health_insurance"), oldDriving...)}, ok: true, comb: "notice_and_two_b"},

		// Near misses.
		{name: "one B only", c: Case{Applicant: docs("health_insurance")}, want: Verdict{
			MissingApplicant: []Missing{{{ClassA, 1}}, {{ClassB, 1}, {ClassNotice, 1}}}}},
		{name: "two B without the notification card", c: Case{Applicant: docs("health_insurance", "student_id")}, want: Verdict{
			MissingApplicant: []Missing{{{ClassA, 1}}, {{ClassNotice, 1}}}}},
		{name: "the same B twice", c: Case{Applicant: docs("notification_card", "health_insurance", "health_insurance")}, want: Verdict{
			MissingApplicant: []Missing{{{ClassA, 1}}, {{ClassB, 1}}}}},
		{name: "driving history before 2012-04-01 alone", c: Case{Applicant: oldDriving}, want: Verdict{
			MissingApplicant: []Missing{{{ClassA, 1}}, {{ClassB, 1}, {ClassNotice, 1}}}}},
		{name: "driving history without its issue date", c: Case{Applicant: docs("driving_history_certificate")}},
		{name: "notification card alone", c: Case{Applicant: docs("notification_card")}, want: Verdict{
			MissingApplicant: []Missing{{{ClassA, 1}}, {{ClassB, 2}}}}},
		{name: "nothing", c: Case{}, want: Verdict{
			MissingApplicant: []Missing{{{ClassA, 1}}, {{ClassB, 2}, {ClassNotice, 1}}}}},
		{name: "a proxy who is not a legal representative", c: Case{Attendance: Proxy, Applicant: docs("passport")},
			want: Verdict{Refusal: RefusalProxy}},
		{name: "a legal representative without the applicant", c: Case{BirthDate: date(2015, 1, 1), Attendance: Proxy,
			Applicant: docs("health_insurance"), Representative: docs("passport", "family_register")}, want: Verdict{Refusal: RefusalProxy}},

		// Age: 15 on the day may come alone; 14 may not.
		{name: "15 today, alone", c: Case{BirthDate: date(2011, 11, 30), Applicant: docs("student_id", "health_insurance", "notification_card")}, ok: true, comb: "notice_and_two_b"},
		{name: "15 tomorrow, alone", c: Case{BirthDate: date(2011, 12, 1), Applicant: docs("passport")}, want: Verdict{Refusal: RefusalNeedsRep}},
		{name: "14, alone", c: Case{BirthDate: date(2012, 3, 3), Applicant: docs("passport")}, want: Verdict{Refusal: RefusalNeedsRep}},
		{name: "14, with a parent", c: withParent(Case{BirthDate: date(2012, 3, 3), Applicant: docs("passport")}), ok: true, comb: "one_a"},
		{name: "14, with a parent who shows no proof of authority", c: Case{BirthDate: date(2012, 3, 3), Attendance: WithRepresentative,
			Applicant: docs("passport"), Representative: docs("drivers_licence")},
			want: Verdict{Applicant: "one_a", Representative: "one_a", MissingRepresentative: []Missing{{{ClassAuthority, 1}}}}},
		{name: "14, with a parent without ID", c: Case{BirthDate: date(2012, 3, 3), Attendance: WithRepresentative,
			Applicant: docs("passport"), Representative: docs("family_register", "health_insurance")},
			want: Verdict{Applicant: "one_a", MissingRepresentative: []Missing{{{ClassA, 1}}, {{ClassB, 1}, {ClassNotice, 1}}}}},
		{name: "adult ward alone", c: Case{AdultWard: true, Applicant: docs("drivers_licence")}, want: Verdict{Refusal: RefusalNeedsRep}},
		{name: "adult ward with the guardian", c: Case{AdultWard: true, Attendance: WithRepresentative, Applicant: docs("health_insurance", "pension_book", "notification_card"),
			Representative: docs("passport", "guardianship_registration")}, ok: true, comb: "notice_and_two_b"},
		{name: "an adult who brings a parent", c: withParent(Case{Applicant: docs("passport")}), ok: true, comb: "one_a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.Day = day
			if c.BirthDate.IsZero() {
				c.BirthDate = adult
			}
			if c.Attendance == "" {
				c.Attendance = InPerson
			}
			v, err := Verify(c)
			if err != nil {
				t.Fatal(err)
			}
			if v.OK != tc.ok {
				t.Fatalf("OK = %v, want %v (%+v)", v.OK, tc.ok, v)
			}
			if tc.ok {
				if v.Applicant != tc.comb {
					t.Errorf("combination %q, want %q", v.Applicant, tc.comb)
				}
				return
			}
			if tc.want.Refusal != "" || tc.want.MissingApplicant != nil || tc.want.MissingRepresentative != nil {
				if !reflect.DeepEqual(v, tc.want) {
					t.Errorf("verdict\n %+v, want\n %+v", v, tc.want)
				}
			}
		})
	}
}

func TestVerifyRefusesWhatItDoesNotKnow(t *testing.T) {
	if _, err := Verify(Case{BirthDate: adult, Day: day, Attendance: InPerson, Applicant: docs("library_card")}); err == nil {
		t.Error("an unknown document was taken")
	}
	if _, err := Verify(Case{BirthDate: date(2027, 1, 1), Day: day, Attendance: InPerson}); err == nil {
		t.Error("a birth date after the day was taken")
	}
}

func TestEveryDocumentHasOneClass(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Documents {
		if seen[d.ID] || d.Class == "" {
			t.Errorf("document %q twice or without a class", d.ID)
		}
		seen[d.ID] = true
	}
}

func TestAgeOn(t *testing.T) {
	for _, tc := range []struct {
		born, on booth.Date
		age      int
	}{
		{date(2011, 11, 30), date(2026, 11, 30), 15},
		{date(2011, 12, 1), date(2026, 11, 30), 14},
		{date(2008, 2, 29), date(2023, 2, 28), 14}, // a year older on 1 March
		{date(2008, 2, 29), date(2023, 3, 1), 15},
		{date(2008, 2, 29), date(2024, 2, 29), 16},
	} {
		if got := tc.born.AgeOn(tc.on); got != tc.age {
			t.Errorf("born %v, on %v: %d, want %d", tc.born, tc.on, got, tc.age)
		}
	}
}
