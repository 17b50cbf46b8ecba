package photo

import "fmt"

// A Measure checks one rule on a Session, in the spirit of OFIQ's measures: the expensive
// analysis is done once in the Session, and each rule is one small file that reads it. A new
// rule is a new Measure, not a new branch in a long function.
type Measure interface {
	// Name identifies the measure in Measurements ("head_size", "background_structure" ...).
	Name() string
	// Measure evaluates the rule. It must not modify the session.
	Measure(s *Session) Measurement
}

// A Measurement is one measure's outcome.
type Measurement struct {
	Name string `json:"name"`
	// Value is the raw measured value (its unit depends on the measure), Threshold the limit it
	// is compared with, and Rule where that limit comes from.
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	Rule      string  `json:"rule"`
	// Skipped means the rule could not be assessed on this image (e.g. no face, or the
	// background is hidden); a skipped measure neither passes nor fails.
	Skipped bool `json:"skipped,omitempty"`
	// Failed measures carry the problem code and the message key for the resident; Args fill
	// the message's verbs.
	Failed bool   `json:"failed,omitempty"`
	Code   Code   `json:"code,omitempty"`
	Key    string `json:"-"`
	Args   []any  `json:"-"`
	// Detail says precisely what was wrong, for operators (no personal data).
	Detail string `json:"detail,omitempty"`
}

// pass, fail and skip build Measurements.
func pass(name string, value, threshold float64, rule string) Measurement {
	return Measurement{Name: name, Value: value, Threshold: threshold, Rule: rule}
}

func fail(name string, code Code, value, threshold float64, rule, detail string, args ...any) Measurement {
	return Measurement{Name: name, Value: value, Threshold: threshold, Rule: rule, Failed: true,
		Code: code, Key: "photo." + string(code), Detail: detail, Args: args}
}

func skip(name, why string) Measurement {
	return Measurement{Name: name, Skipped: true, Detail: why}
}

// check returns pass or fail depending on ok.
func check(ok bool, name string, code Code, value, threshold float64, rule, format string) Measurement {
	if ok {
		return pass(name, value, threshold, rule)
	}
	return fail(name, code, value, threshold, rule, fmt.Sprintf(format, value, threshold))
}

// stillMeasures are run, in this order, on every still photo.
func stillMeasures() []Measure {
	return []Measure{
		singleFace{},
		headCovering{},
		darkCovering{},
		headInFrame{},
		headSize{},
		resolution{},
		compression{},
		eyesVisible{},
		hairOverEye{},
		yaw{},
		pitch{},
		roll{},
		occlusion{},
		exposure{},
		sharpness{},
		backgroundPlain{},
		backgroundScene{},
		backgroundLines{},
		backgroundShadow{},
	}
}
