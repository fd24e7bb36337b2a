package token

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxNumericDate is 9999-12-31T23:59:59Z; later or negative times are
// rejected as malformed rather than risking overflow.
const maxNumericDate = 253402300799

// header is the part of a JOSE header this package reads.
type header struct {
	alg, kid, typ string
}

// Header member bits for duplicate detection.
const (
	hAlg uint32 = 1 << iota
	hKid
	hTyp
	hCrit
)

func headerBit(name string) uint32 {
	switch name {
	case "alg":
		return hAlg
	case "kid":
		return hKid
	case "typ":
		return hTyp
	case "crit":
		return hCrit
	}
	return 0
}

// decodeHeader reads a JOSE header (RFC 7515 section 4). Members other than
// alg, kid and typ are ignored, except crit: this package understands no
// extension, so a crit header is rejected (RFC 7515 section 4.1.11).
func decodeHeader(data string) (header, error) {
	var h header
	d := scanner{s: data}
	err := d.object(headerBit, func(name string, _ uint32) error {
		var err error
		switch name {
		case "alg":
			h.alg, err = d.str()
		case "kid":
			h.kid, err = d.str()
		case "typ":
			h.typ, err = d.str()
		case "crit":
			return fmt.Errorf("%w: crit header parameter is not supported", ErrMalformed)
		default:
			return d.skip(0)
		}
		if err != nil {
			return fmt.Errorf("header %q: %w", name, err)
		}
		return nil
	})
	if err == nil {
		err = d.end()
	}
	return h, err
}

// Claim member bits for duplicate detection.
const (
	cIss uint32 = 1 << iota
	cSub
	cAud
	cExp
	cIat
	cNbf
	cJti
	cClientID
	cScope
	cAccount
	cRegion
	cSecret
)

func claimBit(name string) uint32 {
	switch name {
	case "iss":
		return cIss
	case "sub":
		return cSub
	case "aud":
		return cAud
	case "exp":
		return cExp
	case "iat":
		return cIat
	case "nbf":
		return cNbf
	case "jti":
		return cJti
	case "client_id":
		return cClientID
	case "scope":
		return cScope
	case ClaimAccountSID:
		return cAccount
	case ClaimRegion:
		return cRegion
	case ClaimSecretID:
		return cSecret
	}
	return 0
}

// decodeClaims reads a JWT claims set (RFC 7519 section 4). The claims of
// Claims must have their registered JSON types (aud a string or an array of
// strings, times NumericDate numbers); a null claim counts as absent; other
// members are skipped after checking their syntax. Member names must be
// distinct (RFC 7519 section 4 lets a parser reject duplicates; this one
// does).
func decodeClaims(data string) (Claims, error) {
	var c Claims
	d := scanner{s: data}
	err := d.object(claimBit, func(name string, bit uint32) error {
		if bit == 0 {
			return d.skip(0)
		}
		if d.null() {
			return nil
		}
		var err error
		switch bit {
		case cIss:
			c.Issuer, err = d.str()
		case cSub:
			c.Subject, err = d.str()
		case cAud:
			c.Audience, err = d.audience()
		case cExp:
			c.ExpiresAt, err = d.numericDate()
		case cIat:
			c.IssuedAt, err = d.numericDate()
		case cNbf:
			c.NotBefore, err = d.numericDate()
		case cJti:
			c.ID, err = d.str()
		case cClientID:
			c.ClientID, err = d.str()
		case cScope:
			c.Scope, err = d.str()
		case cAccount:
			c.AccountSID, err = d.str()
		case cRegion:
			c.Region, err = d.str()
		case cSecret:
			c.SecretID, err = d.str()
		}
		if err != nil {
			return fmt.Errorf("claim %q: %w", name, err)
		}
		return nil
	})
	if err == nil {
		err = d.end()
	}
	if err != nil {
		return Claims{}, err
	}
	return c, nil
}

// audience reads aud: a string or an array of strings.
func (d *scanner) audience() ([]string, error) {
	if d.peek() != '[' {
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	d.i++
	if d.consume(']') {
		return nil, nil
	}
	var aud []string
	for {
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		aud = append(aud, s)
		if d.consume(',') {
			continue
		}
		if d.consume(']') {
			return aud, nil
		}
		return nil, errSyntax
	}
}

var errDate = fmt.Errorf("%w: NumericDate out of range", ErrMalformed)

// numericDate reads a NumericDate (RFC 7519 section 2): seconds since the
// epoch, possibly fractional, between 0 and maxNumericDate.
func (d *scanner) numericDate() (time.Time, error) {
	text, err := d.number()
	if err != nil {
		return time.Time{}, err
	}
	return parseNumericDate(text)
}

func parseNumericDate(text string) (time.Time, error) {
	if len(text) <= 12 && !strings.ContainsAny(text, "-.eE") {
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n > maxNumericDate {
			return time.Time{}, errDate
		}
		return time.Unix(n, 0).UTC(), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f < 0 || f > maxNumericDate {
		return time.Time{}, errDate
	}
	sec := math.Floor(f)
	nsec := math.Round((f - sec) * 1e9)
	if nsec >= 1e9 {
		sec, nsec = sec+1, 0
	}
	return time.Unix(int64(sec), int64(nsec)).UTC(), nil
}
