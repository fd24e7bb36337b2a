package oauthapp

import (
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// assertionClaims are the claims of a client assertion that the service
// reads, as golang-jwt's Parser decodes them and its Validator checks
// them (they implement jwt.Claims). The times are plain JSON numbers,
// which encoding/json reads directly: cheaper than jwt.RegisteredClaims,
// whose NumericDate decodes each time in a JSON parse of its own, on a
// path where every bad assertion should cost little.
type assertionClaims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  audClaim `json:"aud"`
	Expires   *float64 `json:"exp"`
	NotBefore *float64 `json:"nbf"`
	IssuedAt  *float64 `json:"iat"`
	ID        string   `json:"jti"`

	// exp is Expires as golang-jwt reads it, worked out once: the
	// Validator runs before the signature and again after it.
	exp    *jwt.NumericDate
	expErr error
	expSet bool
}

var _ jwt.Claims = (*assertionClaims)(nil)

// errTimeRange: a time claim far outside any date an assertion can have.
var errTimeRange = errors.New("oauthapp: time claim out of range")

// maxSeconds bounds a time claim: year 5138, far beyond any assertion.
const maxSeconds = 1e11

// numericDate is a time claim as golang-jwt compares it: seconds since
// the epoch, the fraction kept to jwt.TimePrecision.
func numericDate(f *float64) (*jwt.NumericDate, error) {
	if f == nil {
		return nil, nil
	}
	if *f < 0 || *f >= maxSeconds {
		return nil, errTimeRange
	}
	sec, frac := math.Modf(*f)
	return jwt.NewNumericDate(time.Unix(int64(sec), int64(frac*1e9))), nil
}

func (c *assertionClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	if !c.expSet {
		c.exp, c.expErr = numericDate(c.Expires)
		c.expSet = true
	}
	return c.exp, c.expErr
}
func (c *assertionClaims) GetNotBefore() (*jwt.NumericDate, error) { return numericDate(c.NotBefore) }
func (c *assertionClaims) GetIssuedAt() (*jwt.NumericDate, error)  { return numericDate(c.IssuedAt) }
func (c *assertionClaims) GetIssuer() (string, error)              { return c.Issuer, nil }
func (c *assertionClaims) GetSubject() (string, error)             { return c.Subject, nil }
func (c *assertionClaims) GetAudience() (jwt.ClaimStrings, error) {
	return jwt.ClaimStrings(c.Audience), nil
}

// audClaim is the aud claim: one string or an array of them (RFC 7519
// section 4.1.3), read by encoding/json as what it is rather than through
// an interface value, as jwt.ClaimStrings does.
type audClaim []string

func (a *audClaim) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = audClaim{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*a = l
	return nil
}

// expires is the exp claim as a time; zero when absent or out of range
// (the Validator has refused those by the time it is read).
func (c *assertionClaims) expires() time.Time {
	d, err := c.GetExpirationTime()
	if err != nil || d == nil {
		return time.Time{}
	}
	return d.Time
}
