package scope

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/oauthapps/oauthapps/internal/strictjson"
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
	var lists [2][]string // allow, deny
	total := 0
	d := strictjson.NewDecoder(data)
	err := d.Object(func(name string) error {
		i := slices.Index([]string{"allow", "deny"}, name)
		if i < 0 {
			return strictjson.Unknown(name)
		}
		return d.Array(func() error {
			if total++; total > MaxPolicyEntries {
				return fmt.Errorf("%w: more than %d", ErrTooManyEntries, MaxPolicyEntries)
			}
			t, err := d.Token()
			if err != nil {
				return err
			}
			s, ok := t.(string)
			if !ok {
				return errors.New("entry is not a string")
			}
			lists[i] = append(lists[i], s)
			return nil
		})
	})
	if err == nil {
		err = d.End()
	}
	switch {
	case errors.Is(err, ErrTooManyEntries):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrBadPolicyJSON, err)
	}
	return NewPolicy(lists[0], lists[1])
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
