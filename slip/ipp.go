package slip

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A minimal IPP/1.1 codec (RFC 8010), enough to submit a job to CUPS and follow it: the
// operations below, integer/enum/boolean/string values, one group per response object.

const (
	opPrintJob              = 0x0002
	opCancelJob             = 0x0008
	opGetJobAttributes      = 0x0009
	opGetPrinterAttributes  = 0x000B
	ippStatusOKMax          = 0x00FF
	ippStatusNotFound       = 0x0406
	ippStatusNotAccepting   = 0x0506
	ippStatusNotPossible    = 0x0404
	ippStatusServerErrorMin = 0x0500

	tagOperation = 0x01
	tagJob       = 0x02
	tagEnd       = 0x03
	tagPrinter   = 0x04

	tagInteger  = 0x21
	tagBoolean  = 0x22
	tagEnum     = 0x23
	tagName     = 0x42
	tagKeyword  = 0x44
	tagURI      = 0x45
	tagCharset  = 0x47
	tagLanguage = 0x48
	tagMIMEType = 0x49
)

// IPP job-state and printer-state values.
const (
	jobPending    = 3
	jobHeld       = 4
	jobProcessing = 5
	jobStopped    = 6
	jobCanceled   = 7
	jobAborted    = 8
	jobCompleted  = 9

	printerIdle       = 3
	printerProcessing = 4
	printerStopped    = 5
)

type ippAttr struct {
	tag    byte
	name   string
	values []any // string, int, or bool
}

type ippRequest struct {
	op        uint16
	id        uint32
	operation []ippAttr
	job       []ippAttr
}

func (r *ippRequest) encode() []byte {
	var b bytes.Buffer
	b.Write([]byte{2, 0}) // IPP 2.0, which CUPS speaks; every attribute used here is 1.1
	binary.Write(&b, binary.BigEndian, r.op)
	binary.Write(&b, binary.BigEndian, r.id)
	b.WriteByte(tagOperation)
	head := []ippAttr{
		{tagCharset, "attributes-charset", []any{"utf-8"}},
		{tagLanguage, "attributes-natural-language", []any{"en"}},
	}
	for _, a := range append(head, r.operation...) {
		writeAttr(&b, a)
	}
	if len(r.job) > 0 {
		b.WriteByte(tagJob)
		for _, a := range r.job {
			writeAttr(&b, a)
		}
	}
	b.WriteByte(tagEnd)
	return b.Bytes()
}

func writeAttr(b *bytes.Buffer, a ippAttr) {
	for i, v := range a.values {
		b.WriteByte(a.tag)
		name := a.name
		if i > 0 {
			name = "" // an additional value of the same attribute
		}
		binary.Write(b, binary.BigEndian, uint16(len(name)))
		b.WriteString(name)
		switch v := v.(type) {
		case int:
			binary.Write(b, binary.BigEndian, uint16(4))
			binary.Write(b, binary.BigEndian, int32(v))
		case bool:
			binary.Write(b, binary.BigEndian, uint16(1))
			if v {
				b.WriteByte(1)
			} else {
				b.WriteByte(0)
			}
		case string:
			binary.Write(b, binary.BigEndian, uint16(len(v)))
			b.WriteString(v)
		}
	}
}

// ippResponse holds a response's status and the attributes of each group kind (the first
// group of each kind: the requests here ask about one job or one printer).
type ippResponse struct {
	status uint16
	groups map[byte]map[string][]any
}

var errIPPMalformed = errors.New("malformed IPP response")

func decodeIPP(r io.Reader) (*ippResponse, error) {
	br := bufio.NewReader(r)
	var head [8]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("%w: header: %w", errIPPMalformed, err)
	}
	resp := &ippResponse{status: binary.BigEndian.Uint16(head[2:4]), groups: map[byte]map[string][]any{}}
	var group map[string][]any
	last := ""
	for {
		tag, err := br.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errIPPMalformed, err)
		}
		if tag == tagEnd {
			return resp, nil
		}
		if tag < 0x10 { // a new group
			group = nil
			if _, seen := resp.groups[tag]; !seen {
				group = map[string][]any{}
				resp.groups[tag] = group
			}
			continue
		}
		name, err := readField(br)
		if err != nil {
			return nil, err
		}
		value, err := readField(br)
		if err != nil {
			return nil, err
		}
		if len(name) > 0 {
			last = string(name)
		}
		if group == nil {
			continue
		}
		group[last] = append(group[last], decodeValue(tag, value))
	}
}

func readField(br *bufio.Reader) ([]byte, error) {
	var n uint16
	if err := binary.Read(br, binary.BigEndian, &n); err != nil {
		return nil, fmt.Errorf("%w: %w", errIPPMalformed, err)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return nil, fmt.Errorf("%w: %w", errIPPMalformed, err)
	}
	return b, nil
}

func decodeValue(tag byte, v []byte) any {
	switch {
	case (tag == tagInteger || tag == tagEnum) && len(v) == 4:
		return int(int32(binary.BigEndian.Uint32(v)))
	case tag == tagBoolean && len(v) == 1:
		return v[0] != 0
	default:
		return string(v)
	}
}

func (r *ippResponse) int(group byte, name string) (int, bool) {
	for _, v := range r.groups[group][name] {
		if i, ok := v.(int); ok {
			return i, true
		}
	}
	return 0, false
}

func (r *ippResponse) bool(group byte, name string) (bool, bool) {
	for _, v := range r.groups[group][name] {
		if b, ok := v.(bool); ok {
			return b, true
		}
	}
	return false, false
}

func (r *ippResponse) strings(group byte, name string) []string {
	var out []string
	for _, v := range r.groups[group][name] {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (r *ippResponse) string(group byte, name string) string {
	if s := r.strings(group, name); len(s) > 0 {
		return s[0]
	}
	return ""
}

// statusMessage is the server's own explanation of a failed request, when it gave one.
func (r *ippResponse) statusMessage() string {
	return r.string(tagOperation, "status-message")
}
