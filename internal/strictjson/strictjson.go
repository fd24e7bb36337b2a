// Package strictjson reads JSON from outside input the one way this
// module reads it: through encoding/json's Decoder, one token at a time,
// so that an object's member given twice is refused where encoding/json
// alone lets the last one win. It also refuses nesting deeper than
// MaxDepth and anything after the value. What an object may hold is the
// caller's to say, member by member; a caller refuses a member it does
// not know with Unknown.
//
// Errors name no package: the caller wraps them in its own sentinel. A
// member's name is quoted cut to a few bytes (internal/quote), so that a
// secret sent as a name does not reach a log through an error.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// MaxDepth is how deeply objects and arrays may nest, the outermost
// counting as one: encoding/json's own limit.
const MaxDepth = 10000

var (
	// ErrNotObject: the value read as an object is not one.
	ErrNotObject = errors.New("not a JSON object")
	// ErrNotArray: the value read as an array is not one.
	ErrNotArray = errors.New("not a JSON array")
	// ErrTooDeep: objects and arrays nest deeper than MaxDepth.
	ErrTooDeep = fmt.Errorf("nesting deeper than %d", MaxDepth)
	// ErrTrailing: something follows the value.
	ErrTrailing = errors.New("data after the JSON value")
)

// MemberError is a member an object may not hold: one given twice, or
// one the caller does not know.
type MemberError struct {
	Name      string // the member's name, unescaped
	Duplicate bool   // given twice; otherwise unknown to the caller
}

func (e *MemberError) Error() string {
	if e.Duplicate {
		return "member " + quote.Q(e.Name) + " given twice"
	}
	return "unknown member " + quote.Q(e.Name)
}

// Unknown returns the error of a member the caller does not know.
func Unknown(name string) error { return &MemberError{Name: name} }

// Decoder reads one JSON value from a byte slice. Numbers are read as
// json.Number, so that a number too large for a float64 is still valid
// JSON where its value is not read. A Decoder is not safe for concurrent
// use.
type Decoder struct {
	dec   *json.Decoder
	depth int
	reads int // values begun: how Members and Elements see that one was read
}

// NewDecoder returns a Decoder of data.
func NewDecoder(data []byte) *Decoder {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &Decoder{dec: dec}
}

// Token reads the next token of a value: a json.Delim for the start of an
// object or array (whose members or elements Members or Elements then
// read), or a string, json.Number, bool or nil.
func (d *Decoder) Token() (json.Token, error) {
	d.reads++
	t, err := d.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'), json.Delim('['):
		if d.depth++; d.depth > MaxDepth {
			return nil, ErrTooDeep
		}
	}
	return t, nil
}

// Decode reads the next value into dst with encoding/json. Nesting inside
// the value counts from the value itself, as encoding/json counts it.
func (d *Decoder) Decode(dst any) error {
	d.reads++
	return d.dec.Decode(dst)
}

// Skip reads the next value and drops it, without looking for members
// given twice inside it.
func (d *Decoder) Skip() error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	switch t {
	case json.Delim('{'):
		return d.members(false, func(string) error { return nil })
	case json.Delim('['):
		return d.Elements(func() error { return nil })
	}
	return nil
}

// Object reads the next value, which must be an object (ErrNotObject), as
// Members does.
func (d *Decoder) Object(member func(name string) error) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return ErrNotObject
	}
	return d.Members(member)
}

// Array reads the next value, which must be an array (ErrNotArray), as
// Elements does.
func (d *Decoder) Array(element func() error) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	if t != json.Delim('[') {
		return ErrNotArray
	}
	return d.Elements(element)
}

// Members reads the members of the object whose '{' Token returned, up to
// its '}'. It calls member with each name, in order, to read the value;
// a value member leaves unread is skipped. A name given twice is a
// *MemberError before member sees it. The first error ends the read.
func (d *Decoder) Members(member func(name string) error) error {
	return d.members(true, member)
}

// members is Members, looking for names given twice when once is true.
func (d *Decoder) members(once bool, member func(name string) error) error {
	var seen names
	for d.dec.More() {
		t, err := d.dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string) // a name, in the state encoding/json is in
		if once && !seen.add(name) {
			return &MemberError{Name: name, Duplicate: true}
		}
		if err := d.read(func() error { return member(name) }); err != nil {
			return err
		}
	}
	return d.end()
}

// Elements reads the elements of the array whose '[' Token returned, up
// to its ']', calling element to read each; an element it leaves unread
// is skipped. The first error ends the read.
func (d *Decoder) Elements(element func() error) error {
	for d.dec.More() {
		if err := d.read(element); err != nil {
			return err
		}
	}
	return d.end()
}

// read runs value, which should read one value, and skips the value when
// it read none.
func (d *Decoder) read(value func() error) error {
	before := d.reads
	if err := value(); err != nil {
		return err
	}
	if d.reads == before {
		return d.Skip()
	}
	return nil
}

// end reads the '}' or ']' that closes the object or array being read.
func (d *Decoder) end() error {
	if _, err := d.dec.Token(); err != nil {
		return err
	}
	d.depth--
	return nil
}

// End reports ErrTrailing unless the data holds nothing after the value
// read.
func (d *Decoder) End() error {
	if _, err := d.dec.Token(); err != io.EOF {
		return ErrTrailing
	}
	return nil
}

// names is the set of member names an object has shown so far: a list
// while it is short (most objects here have a few members), a map after.
type names struct {
	list []string
	set  map[string]struct{}
}

// add adds name and reports whether it was new.
func (n *names) add(name string) bool {
	if n.set != nil {
		if _, dup := n.set[name]; dup {
			return false
		}
		n.set[name] = struct{}{}
		return true
	}
	for _, s := range n.list {
		if s == name {
			return false
		}
	}
	if len(n.list) < 16 {
		n.list = append(n.list, name)
		return true
	}
	n.set = make(map[string]struct{}, 2*len(n.list))
	for _, s := range n.list {
		n.set[s] = struct{}{}
	}
	n.set[name] = struct{}{}
	return true
}
