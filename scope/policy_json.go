package scope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// policyJSON is the wire form of a policy.
type policyJSON struct {
	Allow []string `json:"allow"`
	Deny  []string `json:"deny"`
}

// ParsePolicyJSON reads a policy from its JSON form,
// {"allow":[...],"deny":[...]}. Either key may be left out (an empty list);
// any other key, a key given twice, a null, or a value that is not an
// array of strings is ErrBadPolicyJSON. The entries then go through
// NewPolicy, with its limit and its errors.
func ParsePolicyJSON(data []byte) (*Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var lists [2][]string // allow, deny
	var seen [2]bool
	total := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, badJSON(err)
		}
		i := -1
		switch tok {
		case "allow":
			i = 0
		case "deny":
			i = 1
		}
		if i < 0 || seen[i] {
			return nil, fmt.Errorf("%w: unknown or repeated key", ErrBadPolicyJSON)
		}
		seen[i] = true
		if err := expectDelim(dec, '['); err != nil {
			return nil, err
		}
		for dec.More() {
			if total++; total > MaxPolicyEntries {
				return nil, fmt.Errorf("%w: more than %d", ErrTooManyEntries, MaxPolicyEntries)
			}
			tok, err := dec.Token()
			if err != nil {
				return nil, badJSON(err)
			}
			s, ok := tok.(string)
			if !ok {
				return nil, fmt.Errorf("%w: entry is not a string", ErrBadPolicyJSON)
			}
			lists[i] = append(lists[i], s)
		}
		if err := expectDelim(dec, ']'); err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the object", ErrBadPolicyJSON)
	}
	return NewPolicy(lists[0], lists[1])
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return badJSON(err)
	}
	if tok != want {
		return fmt.Errorf("%w: want %v", ErrBadPolicyJSON, want)
	}
	return nil
}

func badJSON(err error) error {
	return fmt.Errorf("%w: %v", ErrBadPolicyJSON, err)
}

// MarshalJSON writes {"allow":[...],"deny":[...]} with the normalised
// lists; an empty list is written as []. It has a value receiver so that a
// Policy held by value in another struct is written the same way.
func (p Policy) MarshalJSON() ([]byte, error) {
	w := policyJSON{Allow: p.allow, Deny: p.deny}
	if w.Allow == nil {
		w.Allow = []string{}
	}
	if w.Deny == nil {
		w.Deny = []string{}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the form ParsePolicyJSON reads. On error p is left
// as it was. A policy is immutable once shared: unmarshal only into one
// that no other goroutine uses.
func (p *Policy) UnmarshalJSON(data []byte) error {
	q, err := ParsePolicyJSON(data)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}
