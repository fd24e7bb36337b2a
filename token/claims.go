package token

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
}

// JSON member names of this library's own claims.
const (
	ClaimAccountSID = "account_sid"
	ClaimRegion     = "region"
	ClaimSecretID   = "secret_id"
)

// Scopes returns the scope tokens of c.Scope (nil when it holds none).
func (c *Claims) Scopes() []string {
	f := strings.Fields(c.Scope)
	if len(f) == 0 {
		return nil
	}
	return f
}

// HasAudience reports whether aud is one of c.Audience.
func (c *Claims) HasAudience(aud string) bool {
	for _, a := range c.Audience {
		if a == aud {
			return true
		}
	}
	return false
}

// appendClaims appends the claims after prefix (the minter's fixed `{"iss":
// ...,"aud":...` part) and closes the object, with jti, base64url text
// that needs no escaping, in place of c.ID. Only whole seconds are
// written; empty optional strings are left out. Every string must be valid
// UTF-8 (Mint checks this first).
func appendClaims(dst []byte, prefix string, c *Claims, jti []byte) []byte {
	dst = append(dst, prefix...)
	dst = appendMember(dst, "sub", c.Subject)
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, c.ExpiresAt.Unix(), 10)
	dst = append(dst, `,"iat":`...)
	dst = strconv.AppendInt(dst, c.IssuedAt.Unix(), 10)
	dst = append(dst, `,"jti":"`...)
	dst = append(append(dst, jti...), '"')
	dst = appendMember(dst, "client_id", c.ClientID)
	dst = appendOptional(dst, "scope", c.Scope)
	dst = appendOptional(dst, ClaimAccountSID, c.AccountSID)
	dst = appendOptional(dst, ClaimRegion, c.Region)
	dst = appendOptional(dst, ClaimSecretID, c.SecretID)
	return append(dst, '}')
}

// appendMember appends `,"name":"value"`; name needs no escaping.
func appendMember(dst []byte, name, value string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendString(dst, value)
}

func appendOptional(dst []byte, name, value string) []byte {
	if value == "" {
		return dst
	}
	return appendMember(dst, name, value)
}

// appendAudience appends aud as one string when it has one element and as
// an array otherwise (RFC 7519 section 4.1.3 allows both).
func appendAudience(dst []byte, aud []string) []byte {
	if len(aud) == 1 {
		return appendString(dst, aud[0])
	}
	dst = append(dst, '[')
	for i, a := range aud {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, a)
	}
	return append(dst, ']')
}

// appendString appends s as a JSON string. s must be valid UTF-8; quote,
// backslash and control characters are escaped, everything else is copied.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if plain[c] || c >= utf8.RuneSelf {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
