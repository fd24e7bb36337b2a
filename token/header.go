package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// header holds the JOSE header members this package reads (RFC 7515
// section 4.1).
type header struct {
	alg, kid, typ string
}

// headerString is a header member that must be a JSON string, not null.
type headerString string

func (s *headerString) UnmarshalJSON(b []byte) error {
	if b[0] != '"' {
		return errors.New("not a string")
	}
	return json.Unmarshal(b, (*string)(s))
}

// parseHeader decodes the base64url header part of a token: a JSON object
// whose alg, kid and typ, when present, are strings, with no member given
// twice and no crit, since this package understands no extension (RFC 7515
// section 4.1.11). It fails with ErrMalformed.
func parseHeader(part string) (header, error) {
	data, err := base64.RawURLEncoding.Strict().DecodeString(part)
	if err != nil {
		return header{}, fmt.Errorf("%w: header is not base64url", ErrMalformed)
	}
	var h header
	fields := map[string]*string{"alg": &h.alg, "kid": &h.kid, "typ": &h.typ}
	crit := false
	err = members(data, func(name string) (string, any) {
		crit = crit || name == "crit"
		if f, ok := fields[name]; ok {
			return name, (*headerString)(f)
		}
		return name, nil
	})
	if err != nil {
		return header{}, err
	}
	if crit {
		return header{}, fmt.Errorf("%w: header has crit", ErrMalformed)
	}
	return h, nil
}

// members decodes the JSON object data one member at a time with
// encoding/json (numbers as json.Number), so that a member given twice is
// refused instead of the last one silently winning. each returns the key a
// member's name counts under and where its value goes, or nil to skip it.
// It fails with ErrMalformed.
func members(data []byte, each func(name string) (key string, dst any)) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	seen := make(map[string]struct{}, 16)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		name, _ := t.(string)
		key, dst := each(name)
		if _, dup := seen[key]; dup {
			return fmt.Errorf("%w: member %s given twice", ErrMalformed, quote.Q(name))
		}
		seen[key] = struct{}{}
		if dst == nil {
			dst = new(json.RawMessage)
		}
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("%w: member %s: %v", ErrMalformed, quote.Q(name), err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	return nil
}
