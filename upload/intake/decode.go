package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"

	"github.com/idbooth/idbooth/upload"
)

// maxArrayValues bounds an array in a request, so that what decoding allocates stays in
// proportion to the format. The only array, photo_check.problems, holds at most as many codes
// as the photo checker has (booth.PhotoProblemCodes, a rule the validation applies with its own
// code): this bound only keeps a million values out.
const maxArrayValues = 1024

// fields is the shape of a JSON object of the wire format: its keys as upload.Application's
// tags spell them, each with the shape of its value (nil for a scalar, arrayOf for a list).
type fields map[string]fields

// arrayOf marks a field whose value is an array of scalars.
var arrayOf = fields{}

var applicationFields = shape(reflect.TypeFor[upload.Application]())

// shape reads the keys of a struct type from its json tags, nested structs included (a type
// that decodes itself, such as time.Time, is a scalar).
func shape(t reflect.Type) fields {
	f := fields{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		ft := sf.Type
		switch {
		case reflect.PointerTo(ft).Implements(reflect.TypeFor[json.Unmarshaler]()):
			f[name] = nil
		case ft.Kind() == reflect.Struct:
			f[name] = shape(ft)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8: // []byte is base64
			f[name] = arrayOf
		default:
			f[name] = nil
		}
	}
	return f
}

// A Refusal is a request the intake does not take: the HTTP status, the wire code and a text
// for operators that never quotes the request.
type Refusal struct {
	Status int
	Code   string
	Text   string
}

func (r *Refusal) Error() string { return r.Code + ": " + r.Text }

func badJSON(text string) *Refusal { return &Refusal{400, upload.CodeBadJSON, text} }

// DecodeApplication reads a request body: exactly one JSON object with the keys of the wire
// format, each once and spelled exactly so. encoding/json alone would take a key twice (the
// last wins) and match keys case-insensitively, Unicode folds included ("Birth_Date",
// "option\u017f"): a booth and the intake could read different applications from the same
// bytes. So a first pass over the tokens checks the keys, and the shape of every value (no
// nesting the format does not have, no array longer than maxArrayValues); the second decodes.
// It returns a *Refusal error.
func DecodeApplication(body []byte) (*upload.Application, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := scanValue(dec, applicationFields, true); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badJSON("trailing data after the application")
	}
	var a upload.Application
	if err := json.Unmarshal(body, &a); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			// Field is a path of the format's own keys (checked above), not of the request's.
			return nil, badJSON("wrong type of value for " + typ.Field)
		}
		return nil, badJSON("body is not an application")
	}
	return &a, nil
}

// scanValue reads the next value: an object of f's keys when f is a struct's shape, an array of
// scalars when f is arrayOf, a scalar otherwise.
func scanValue(dec *json.Decoder, f fields, object bool) error {
	tok, err := dec.Token()
	if err != nil {
		return badJSON("syntax error")
	}
	d, isDelim := tok.(json.Delim)
	switch {
	case !isDelim:
		if object {
			return badJSON("a value where the format has an object")
		}
		return nil
	case d == '{' && object:
		return scanObject(dec, f)
	case d == '[' && isArrayOf(f):
		for n := 0; dec.More(); n++ {
			if n == maxArrayValues {
				return badJSON("an array longer than the format allows")
			}
			if err := scanValue(dec, nil, false); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	default:
		return badJSON("an object or array where the format has none")
	}
}

func isArrayOf(f fields) bool { return f != nil && len(f) == 0 }

func scanObject(dec *json.Decoder, f fields) error {
	seen := make(map[string]bool, len(f))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return badJSON("syntax error")
		}
		key := tok.(string) // an object's tokens alternate key, value
		sub, known := f[key]
		switch {
		case known && seen[key]:
			return &Refusal{400, upload.CodeAmbiguousJSON, "a key appears twice"}
		case !known && foldsToAKey(f, key):
			return &Refusal{400, upload.CodeAmbiguousJSON, "a key spelled otherwise than the format's"}
		case !known:
			return badJSON("a key the format does not have")
		}
		seen[key] = true
		if err := scanValue(dec, sub, sub != nil && !isArrayOf(sub)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return badJSON("syntax error")
	}
	return nil
}

// foldsToAKey reports whether key equals one of f's keys under Unicode case folding, as
// encoding/json matches them.
func foldsToAKey(f fields, key string) bool {
	for k := range f {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}
