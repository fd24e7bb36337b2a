package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oauthapps/oauthapps/internal/quote"
	"github.com/oauthapps/oauthapps/internal/strictjson"
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
	crit := false
	err = members(data, func(name string) any {
		switch name {
		case "alg":
			return (*headerString)(&h.alg)
		case "kid":
			return (*headerString)(&h.kid)
		case "typ":
			return (*headerString)(&h.typ)
		case "crit":
			crit = true
		}
		return nil
	})
	if err != nil {
		return header{}, err
	}
	if crit {
		return header{}, fmt.Errorf("%w: header has crit", ErrMalformed)
	}
	return h, nil
}

// members decodes the JSON object data strictly (internal/strictjson: no
// member given twice, nothing after the object), numbers as json.Number.
// dst returns where the value of the member name goes, or nil to skip it.
// It fails with ErrMalformed.
func members(data []byte, dst func(name string) any) error {
	d := strictjson.NewDecoder(data)
	err := d.Object(func(name string) error {
		v := dst(name)
		if v == nil {
			return nil
		}
		if err := d.Decode(v); err != nil {
			return fmt.Errorf("member %s: %w", quote.Q(name), err)
		}
		return nil
	})
	if err == nil {
		err = d.End()
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}
