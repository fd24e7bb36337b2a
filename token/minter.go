package token

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Token lifetimes.
const (
	// DefaultTTL is the lifetime of a token whose MintRequest.TTL is zero.
	DefaultTTL = time.Hour
	// MinTTL and MaxTTL bound MintRequest.TTL.
	MinTTL = time.Minute
	MaxTTL = 30 * 24 * time.Hour
)

// MintRequest is what varies between tokens of one Minter.
type MintRequest struct {
	ClientID   string        // required; becomes sub and client_id
	Scope      string        // space-separated scope tokens; may be empty
	AccountSID string        // account_sid; left out when empty
	Region     string        // region; left out when empty
	SecretID   string        // secret_id; left out when empty
	TTL        time.Duration // zero means DefaultTTL; else MinTTL..MaxTTL, whole seconds used
	// Audience is the token's aud: the resources it is for (RFC 8707).
	// Empty means the Minter's audience; each value must be non-empty
	// UTF-8.
	Audience []string
	// DPoPThumbprint, when not "", binds the token to the DPoP key of
	// that RFC 7638 thumbprint: it becomes cnf.jkt (RFC 9449 section
	// 6.1). It must be a SHA-256 thumbprint: 43 base64url characters.
	DPoPThumbprint string
}

// Minter signs access tokens for one issuer with the signing key of a
// KeySet, through golang-jwt. It writes the header
// {"alg","kid","typ":"at+jwt"} (RFC 9068 section 2.1) and the Claims; a
// Validator performs the checks of section 4. It is safe for concurrent
// use and follows rotations of the set at once.
type Minter struct {
	keys     *KeySet
	issuer   string
	audience []string
}

// NewMinter returns a Minter that writes iss = issuer into every token, and
// aud = audience (one value or more) unless a MintRequest names its own.
// issuer and each audience must be non-empty valid UTF-8 (ErrInvalidOption).
func NewMinter(keys *KeySet, issuer string, audience ...string) (*Minter, error) {
	if keys == nil {
		return nil, fmt.Errorf("%w: nil key set", ErrInvalidOption)
	}
	if issuer == "" || !validText(issuer) {
		return nil, fmt.Errorf("%w: issuer must be non-empty UTF-8", ErrInvalidOption)
	}
	if len(audience) == 0 || !validAudience(audience) {
		return nil, fmt.Errorf("%w: audience must be one or more non-empty UTF-8 strings", ErrInvalidOption)
	}
	return &Minter{keys: keys, issuer: issuer, audience: append([]string(nil), audience...)}, nil
}

// Mint signs a token issued at now (whole seconds) and returns it with the
// claims it carries: header {"alg","kid","typ":"at+jwt"} of the current
// signing key; claims iss, sub (= client id), aud, exp, iat, a fresh jti of
// 128 bits from crypto/rand, client_id, scope and this library's own claims.
// It fails with ErrRequest or ErrTTL, changing nothing.
func (m *Minter) Mint(now time.Time, req MintRequest) (string, Claims, error) {
	ttl, err := checkRequest(&req)
	if err != nil {
		return "", Claims{}, err
	}
	aud := m.audience
	if len(req.Audience) > 0 {
		aud = req.Audience
	}
	iat := now.Unix()
	c := Claims{
		Issuer:     m.issuer,
		Subject:    req.ClientID,
		Audience:   append([]string(nil), aud...),
		ExpiresAt:  time.Unix(iat+int64(ttl/time.Second), 0).UTC(),
		IssuedAt:   time.Unix(iat, 0).UTC(),
		ID:         randomID(),
		ClientID:   req.ClientID,
		Scope:      req.Scope,
		AccountSID: req.AccountSID,
		Region:     req.Region,
		SecretID:   req.SecretID,

		DPoPThumbprint: req.DPoPThumbprint,
	}
	key := m.keys.SigningKey()
	claims := c.marshal()
	// The token is laid out in one buffer after the key's header (encoded
	// once, with the key); writing on after String leaves the signing input
	// String returned as it is. Room is made for a 64-byte signature.
	b64 := base64.RawURLEncoding
	var buf [1024]byte // base64url text on its way into tok
	var tok strings.Builder
	tok.Grow(len(key.header) + 2 + b64.EncodedLen(len(claims)) + b64.EncodedLen(64))
	tok.WriteString(key.header)
	tok.WriteByte('.')
	tok.Write(b64.AppendEncode(buf[:0], claims))
	sig, err := key.sign(tok.String())
	if err != nil {
		return "", Claims{}, err
	}
	tok.WriteByte('.')
	tok.Write(b64.AppendEncode(buf[:0], sig))
	return tok.String(), c, nil
}

// validText reports whether s is valid UTF-8 without U+FFFD, the
// character a decoder puts in place of invalid UTF-8 and lone surrogates,
// so that every claim Mint writes reads back the same.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, utf8.RuneError)
}

// validAudience reports whether every value of aud is non-empty UTF-8.
func validAudience(aud []string) bool {
	return !slices.ContainsFunc(aud, func(a string) bool { return a == "" || !validText(a) })
}

// checkRequest validates req and returns the lifetime to use.
func checkRequest(req *MintRequest) (time.Duration, error) {
	ttl := req.TTL
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if ttl < MinTTL || ttl > MaxTTL {
		return 0, fmt.Errorf("%w: %v not in %v..%v", ErrTTL, req.TTL, MinTTL, MaxTTL)
	}
	if req.ClientID == "" {
		return 0, fmt.Errorf("%w: empty client id", ErrRequest)
	}
	for _, f := range [...]struct{ name, value string }{
		{"client id", req.ClientID},
		{"account SID", req.AccountSID},
		{"region", req.Region},
		{"secret id", req.SecretID},
	} {
		if !validText(f.value) {
			return 0, fmt.Errorf("%w: %s is not valid UTF-8 or holds U+FFFD", ErrRequest, f.name)
		}
	}
	if req.DPoPThumbprint != "" && !isThumbprint(req.DPoPThumbprint) {
		return 0, fmt.Errorf("%w: a DPoP thumbprint is 43 base64url characters", ErrRequest)
	}
	if !validAudience(req.Audience) {
		return 0, fmt.Errorf("%w: audience must be non-empty UTF-8", ErrRequest)
	}
	if !validScope(req.Scope) {
		return 0, fmt.Errorf("%w: scope is not space-separated scope tokens (RFC 6749 section 3.3)", ErrRequest)
	}
	return ttl, nil
}

// validScope reports whether s is empty or scope-token *( SP scope-token ),
// a scope-token being 1*( %x21 / %x23-5B / %x5D-7E ) (RFC 6749 section
// 3.3).
func validScope(s string) bool {
	if s == "" {
		return true
	}
	for tok := range strings.SplitSeq(s, " ") {
		if tok == "" || strings.ContainsFunc(tok, func(r rune) bool { return r < 0x21 || r > 0x7e || r == '"' || r == '\\' }) {
			return false
		}
	}
	return true
}

// isThumbprint reports whether s is the base64url form of a SHA-256
// digest, as an RFC 7638 thumbprint is.
func isThumbprint(s string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 32
}
