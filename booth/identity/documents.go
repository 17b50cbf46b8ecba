// Package identity decides whether the documents a clerk saw at the counter verify an
// applicant's identity for an application whose card is mailed afterwards (申請時来庁方式,
// DESIGN §1). The documents are data (documents.go), the accepted combinations are data
// (rules.go), and one small engine applies them. The record keeps which documents were seen,
// never their numbers.
package identity

import "github.com/idbooth/idbooth/booth"

// A Class is a list of the rules.
type Class string

const (
	// ClassA: a photo ID issued by a public authority; one is enough.
	ClassA Class = "A"
	// ClassB: a document showing the name and the date of birth or the address.
	ClassB Class = "B"
	// ClassNotice: the notification card (通知カード) or the Individual Number Notice (個人番号通知書).
	ClassNotice Class = "notice"
	// ClassAuthority: proves that the person with the applicant is their legal representative.
	ClassAuthority Class = "authority"
)

// A Document is a kind of document a clerk may be shown. Its names are in the catalogs under
// "counter.doc.<ID>".
type Document struct {
	ID    string
	Class Class
	// IssuedFrom, when set, is the first issue date at which the document counts in Class;
	// one issued earlier counts in Before.
	IssuedFrom booth.Date
	Before     Class
}

// drivingHistoryFrom: certificates of driving history (運転経歴証明書) are photo IDs only since
// their form changed on 2012-04-01; an earlier one still shows the name and the date of birth.
var drivingHistoryFrom = booth.Date{Year: 2012, Month: 4, Day: 1}

// Documents are the documents the counter knows, in the order the clerk's screen lists them.
var Documents = []Document{
	{ID: "individual_number_card", Class: ClassA},
	{ID: "drivers_licence", Class: ClassA},
	{ID: "driving_history_certificate", Class: ClassA, IssuedFrom: drivingHistoryFrom, Before: ClassB},
	{ID: "passport", Class: ClassA},
	{ID: "residence_card", Class: ClassA},
	{ID: "special_permanent_resident_certificate", Class: ClassA},
	{ID: "basic_resident_card_with_photo", Class: ClassA},
	{ID: "physical_disability_certificate", Class: ClassA},
	{ID: "mental_disability_certificate", Class: ClassA},
	{ID: "rehabilitation_certificate", Class: ClassA},
	{ID: "other_public_photo_id", Class: ClassA},

	{ID: "health_insurance", Class: ClassB},
	{ID: "long_term_care_insurance", Class: ClassB},
	{ID: "pension_book", Class: ClassB},
	{ID: "pension_certificate", Class: ClassB},
	{ID: "medical_recipient_certificate", Class: ClassB},
	{ID: "basic_resident_card_without_photo", Class: ClassB},
	{ID: "student_id", Class: ClassB},
	{ID: "employee_id", Class: ClassB},
	{ID: "bank_passbook", Class: ClassB},

	{ID: "notification_card", Class: ClassNotice},
	{ID: "individual_number_notice", Class: ClassNotice},

	{ID: "family_register", Class: ClassAuthority},
	{ID: "guardianship_registration", Class: ClassAuthority},
}

// Find returns the document called id.
func Find(id string) (Document, bool) {
	for _, d := range Documents {
		if d.ID == id {
			return d, true
		}
	}
	return Document{}, false
}

// ClassOn is the list the document counts in when issued on the given day (zero: unknown, which
// counts in the lower list for a document whose list depends on it).
func (d Document) ClassOn(issued booth.Date) Class {
	if d.IssuedFrom.IsZero() {
		return d.Class
	}
	if issued.IsZero() || issued.Before(d.IssuedFrom) {
		return d.Before
	}
	return d.Class
}
