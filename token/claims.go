package token

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/internal/jsonstr"
)

// Claims is the claim set of an access token (RFC 9068 section 2.2) plus this
// library's own claims. Validate returns it; Mint returns what it signed.
// Times are UTC; a time claim that is absent is the zero time.
type Claims struct {
	Issuer    string    // iss
	Subject   string    // sub; the client id for client-credentials tokens
	Audience  []string  // aud; one or more resource identifiers
	ExpiresAt time.Time // exp
	IssuedAt  time.Time // iat
	NotBefore time.Time // nbf; zero when absent (Mint leaves it out)
	ID        string    // jti; 128 random bits, base64url, from Mint
	ClientID  string    // client_id (RFC 8693 section 4.3)
	Scope     string    // scope: space-separated scope tokens, possibly empty

	AccountSID string // account_sid: the account that owns the client
	Region     string // region: where the client and its tokens live
	SecretID   string // secret_id: public id of the secret that authenticated

	// DPoPThumbprint is cnf.jkt (RFC 9449 section 6.1): the RFC 7638
	// thumbprint of the DPoP key the token is bound to; "" for a bearer
	// token, which has no cnf.
	DPoPThumbprint string
}

// JSON member names of this library's own claims.
const (
	claimAccountSID = "account_sid"
	claimRegion     = "region"
	claimSecretID   = "secret_id"
)

// Scopes returns the scope tokens of c.Scope (nil when it holds none).
func (c *Claims) Scopes() []string {
	f := strings.Fields(c.Scope)
	if len(f) == 0 {
		return nil
	}
	return f
}

// wireClaims is the claim set on jwt.RegisteredClaims, as golang-jwt
// decodes and validates it. Exp, Iat and Nbf take the time claims from
// RegisteredClaims while decoding (encoding/json fills the shallower field
// of a name): they accept JSON numbers only, where jwt.NumericDate also
// takes a quoted number and drops fractions. finish checks them and moves
// them into RegisteredClaims.
type wireClaims struct {
	jwt.RegisteredClaims
	ClientID   string   `json:"client_id"`
	Scope      string   `json:"scope"`
	AccountSID string   `json:"account_sid"`
	Region     string   `json:"region"`
	SecretID   string   `json:"secret_id"`
	Exp        *float64 `json:"exp"`
	Iat        *float64 `json:"iat"`
	Nbf        *float64 `json:"nbf"`
	// Cnf is the confirmation claim (RFC 7800): absent, or an object of
	// exactly one jkt (confirmation.UnmarshalJSON).
	Cnf *confirmation `json:"cnf"`
	// dates are exp, iat and nbf (zero when absent), which finish points
	// ExpiresAt, IssuedAt and NotBefore at.
	dates [3]jwt.NumericDate
	// key is the key the token's header names, which verifies it.
	key *Key
}

// claimNames are the member names wireClaims reads.
var claimNames = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "scope", claimAccountSID, claimRegion, claimSecretID, "cnf"}

// confirmation is a cnf claim that binds a token to a DPoP key. It reads
// as strictly as the claim set, and holds the one confirmation method
// this package knows: a cnf with another member (x5t#S256, say) binds the
// token to something no check here can prove, so it does not parse.
type confirmation struct {
	JKT string `json:"jkt"`
}

func (c *confirmation) UnmarshalJSON(b []byte) error {
	var jkt headerString
	known := true
	err := members(b, func(name string) any {
		if name == "jkt" {
			return &jkt
		}
		known = false
		return nil
	})
	if err != nil || !known || jkt == "" || !validText(string(jkt)) {
		return fmt.Errorf("%w: cnf must be an object of one jkt", ErrMalformed)
	}
	c.JKT = string(jkt)
	return nil
}

// finish applies this package's rules to claims golang-jwt decoded from
// the payload part: times from 0 to maxNumericDate, fractions kept; valid
// text without U+FFFD, which encoding/json puts in place of invalid UTF-8
// and lone surrogates; no member given twice, which encoding/json would
// let the last one win; and no member named like a claim but in another
// case, which encoding/json would read as that claim. A payload byte for byte
// what Mint writes for its claims meets the last two without being read
// again. It fails with ErrMalformed.
func (w *wireClaims) finish(part string) error {
	for i, t := range [...]struct {
		n   *float64
		dst **jwt.NumericDate
	}{{w.Exp, &w.ExpiresAt}, {w.Iat, &w.IssuedAt}, {w.Nbf, &w.NotBefore}} {
		if t.n == nil {
			continue
		}
		at, err := numericTime(*t.n)
		if err != nil {
			return err
		}
		w.dates[i] = jwt.NumericDate{Time: at}
		*t.dst = &w.dates[i]
	}
	invalid := func(s string) bool { return !validText(s) }
	if slices.ContainsFunc([]string{w.Issuer, w.Subject, w.ID, w.ClientID, w.Scope, w.AccountSID, w.Region, w.SecretID}, invalid) ||
		slices.ContainsFunc(w.Audience, invalid) {
		return fmt.Errorf("%w: a claim is not valid UTF-8 or holds U+FFFD", ErrMalformed)
	}
	c := w.claims()
	var buf [1024]byte // the base64url text of Mint's payload, if it fits
	if string(base64.RawURLEncoding.AppendEncode(buf[:0], c.marshal())) == part {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return fmt.Errorf("%w: payload is not base64url", ErrMalformed)
	}
	return strictObject(data, claimNames, nil)
}

// strictObject decodes the JSON object data as this package reads every
// header and claim set: valid UTF-8 (encoding/json reads invalid UTF-8
// anywhere, a member's name too, as U+FFFD, and a reader that does not
// would see other names); no member given twice (internal/strictjson;
// encoding/json would let the last one win); and no member named like one
// of names but in another case (encoding/json would read it as that
// member, a reader that matches names exactly would not), so that names
// given twice in two cases are refused too. dst returns where the value of the
// member name, one of names, goes, or nil to skip it; a nil dst decodes
// nothing. It fails with ErrMalformed.
func strictObject(data []byte, names []string, dst func(name string) any) error {
	if !utf8.Valid(data) {
		return fmt.Errorf("%w: JSON is not valid UTF-8", ErrMalformed)
	}
	caseVariant := false
	err := members(data, func(name string) any {
		for _, k := range names {
			if !strings.EqualFold(name, k) {
				continue
			}
			if name != k {
				caseVariant = true
			} else if dst != nil {
				return dst(k)
			}
			return nil
		}
		return nil
	})
	if err == nil && caseVariant {
		return fmt.Errorf("%w: a member name differs from a known one only in case", ErrMalformed)
	}
	return err
}

// numericTime is a NumericDate (RFC 7519 section 2) as a time: seconds
// since the epoch from 0 to maxNumericDate, the fraction kept. Any other
// number fails with ErrMalformed.
func numericTime(n float64) (time.Time, error) {
	if n < 0 || n > maxNumericDate {
		return time.Time{}, fmt.Errorf("%w: time claim out of range", ErrMalformed)
	}
	sec, frac := math.Modf(n)
	return time.Unix(int64(sec), int64(frac*1e9)), nil
}

// claims returns w as Claims.
func (w *wireClaims) claims() Claims {
	return Claims{
		Issuer: w.Issuer, Subject: w.Subject, Audience: []string(w.Audience),
		ExpiresAt: w.dates[0].UTC(), IssuedAt: w.dates[1].UTC(), NotBefore: w.dates[2].UTC(),
		ID: w.ID, ClientID: w.ClientID, Scope: w.Scope,
		AccountSID: w.AccountSID, Region: w.Region, SecretID: w.SecretID,
		DPoPThumbprint: w.thumbprint(),
	}
}

// thumbprint is cnf.jkt, or "" without a cnf.
func (w *wireClaims) thumbprint() string {
	if w.Cnf == nil {
		return ""
	}
	return w.Cnf.JKT
}

// missing names the first claim RFC 9068 section 2.2 requires that w lacks,
// or "" when it has them all. The golang-jwt validator checks their values.
func (w *wireClaims) missing() string {
	switch {
	case w.Issuer == "":
		return "iss"
	case w.Subject == "":
		return "sub"
	case len(w.Audience) == 0:
		return "aud"
	case w.ExpiresAt == nil:
		return "exp"
	case w.IssuedAt == nil:
		return "iat"
	case w.ID == "":
		return "jti"
	case w.ClientID == "":
		return "client_id"
	}
	return ""
}

// maxNumericDate is 9999-12-31T23:59:59Z; a later or negative time claim
// is malformed.
const maxNumericDate = 253402300799

// marshal returns the payload JSON Mint writes for c, byte for byte what
// json.Marshal writes for the same claims as an encoded (see the tests):
// whole seconds, a single audience as a string (RFC 7519 section 4.1.3),
// nbf and empty optional claims left out, members in the order iss, sub,
// aud, exp, nbf, iat, jti, client_id, scope, account_sid, region,
// secret_id, cnf. It is built without reflection: Mint writes it for every
// token and Validate for every token it reads.
func (c *Claims) marshal() []byte {
	b := make([]byte, 0, 192+len(c.Issuer)+len(c.Subject)+len(c.ClientID)+len(c.Scope)+
		len(c.AccountSID)+len(c.Region)+len(c.SecretID)+len(c.ID)+len(c.Audience)*64)
	b = append(b, `{"iss":`...)
	b = jsonstr.Append(b, c.Issuer)
	b = append(b, `,"sub":`...)
	b = jsonstr.Append(b, c.Subject)
	b = append(b, `,"aud":`...)
	switch {
	case len(c.Audience) == 1:
		b = jsonstr.Append(b, c.Audience[0])
	case c.Audience == nil:
		b = append(b, "null"...)
	default:
		b = append(b, '[')
		for i, a := range c.Audience {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, a)
		}
		b = append(b, ']')
	}
	b = append(b, `,"exp":`...)
	b = strconv.AppendInt(b, c.ExpiresAt.Unix(), 10)
	if !c.NotBefore.IsZero() && c.NotBefore.Unix() != 0 {
		b = append(b, `,"nbf":`...)
		b = strconv.AppendInt(b, c.NotBefore.Unix(), 10)
	}
	b = append(b, `,"iat":`...)
	b = strconv.AppendInt(b, c.IssuedAt.Unix(), 10)
	b = append(b, `,"jti":`...)
	b = jsonstr.Append(b, c.ID)
	b = append(b, `,"client_id":`...)
	b = jsonstr.Append(b, c.ClientID)
	for _, m := range [...]struct{ name, value string }{
		{`,"scope":`, c.Scope}, {`,"` + claimAccountSID + `":`, c.AccountSID},
		{`,"` + claimRegion + `":`, c.Region}, {`,"` + claimSecretID + `":`, c.SecretID},
	} {
		if m.value != "" {
			b = append(b, m.name...)
			b = jsonstr.Append(b, m.value)
		}
	}
	if c.DPoPThumbprint != "" {
		b = append(b, `,"cnf":{"jkt":`...)
		b = jsonstr.Append(b, c.DPoPThumbprint)
		b = append(b, '}')
	}
	return append(b, '}')
}
