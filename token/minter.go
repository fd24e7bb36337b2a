package token

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync/atomic"
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
}

// Minter signs access tokens for one issuer and audience with the signing
// key of a KeySet. It is safe for concurrent use and follows rotations of
// the set at once.
type Minter struct {
	keys     *KeySet
	issuer   string
	audience []string
	// The claims always open with `{"iss":...,"aud":...`. Its longest
	// head of whole 3-byte groups is kept base64url-encoded (headB64), so
	// each Mint encodes only the rest: tail, then the varying claims.
	headB64 string
	tail    string
	// hmac is the HS256 signing key's HMAC state with the constant start
	// of every signing input absorbed; rebuilt when the key rotates.
	hmac atomic.Pointer[hmacPrefix]
}

// NewMinter returns a Minter that writes iss = issuer and aud = audience
// (one value or more) into every token. issuer and each audience must be
// non-empty valid UTF-8 (ErrConfig).
func NewMinter(keys *KeySet, issuer string, audience ...string) (*Minter, error) {
	if keys == nil {
		return nil, fmt.Errorf("%w: nil key set", ErrConfig)
	}
	if issuer == "" || !utf8.ValidString(issuer) {
		return nil, fmt.Errorf("%w: issuer must be non-empty UTF-8", ErrConfig)
	}
	if len(audience) == 0 {
		return nil, fmt.Errorf("%w: no audience", ErrConfig)
	}
	for _, a := range audience {
		if a == "" || !utf8.ValidString(a) {
			return nil, fmt.Errorf("%w: audience must be non-empty UTF-8", ErrConfig)
		}
	}
	p := appendString([]byte(`{"iss":`), issuer)
	p = appendAudience(append(p, `,"aud":`...), audience)
	cut := len(p) - len(p)%3
	return &Minter{
		keys:     keys,
		issuer:   issuer,
		audience: append([]string(nil), audience...),
		headB64:  base64.RawURLEncoding.EncodeToString(p[:cut]),
		tail:     string(p[cut:]),
	}, nil
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
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", Claims{}, fmt.Errorf("token: read random: %w", err)
	}
	var jti [jtiLen]byte
	base64.RawURLEncoding.Encode(jti[:], rnd[:])
	iat := now.Unix()
	c := Claims{
		Issuer:     m.issuer,
		Subject:    req.ClientID,
		Audience:   append([]string(nil), m.audience...),
		ExpiresAt:  time.Unix(iat+int64(ttl/time.Second), 0).UTC(),
		IssuedAt:   time.Unix(iat, 0).UTC(),
		ClientID:   req.ClientID,
		Scope:      req.Scope,
		AccountSID: req.AccountSID,
		Region:     req.Region,
		SecretID:   req.SecretID,
	}
	var claims [512]byte
	// The token and its jti come back as one string, token first, so the
	// two cost one allocation.
	s, err := m.sign(m.keys.SigningKey(), appendClaims(claims[:0], m.tail, &c, jti[:]), jti[:])
	if err != nil {
		return "", Claims{}, err
	}
	c.ID = s[len(s)-jtiLen:]
	return s[:len(s)-jtiLen], c, nil
}

// jtiLen is the length of a minted jti: 16 random bytes in base64url.
const jtiLen = 22

// sign returns the compact JWS of the claims (headB64, then rest, which is
// the claims JSON after the minter's encoded head) under key's header,
// followed by trailer. The token is laid out in one buffer, on the stack
// when it fits: header.payload, the signing input, then the signature. The
// returned string, sized exactly, is the only allocation.
func (m *Minter) sign(key *Key, rest, trailer []byte) (string, error) {
	if key.secret().pads != nil {
		return m.signHMAC(key, rest, trailer)
	}
	n := len(key.header) + 1 + len(m.headB64) + base64.RawURLEncoding.EncodedLen(len(rest)) + 1 + base64.RawURLEncoding.EncodedLen(key.sigLen) + len(trailer)
	var stack [1024]byte
	buf := stack[:0]
	if n > len(stack) {
		buf = make([]byte, 0, n)
	}
	buf = m.appendSigningInput(buf, key, rest)
	var sigBuf [64]byte
	sig, err := key.appendSignature(sigBuf[:0], buf)
	if err != nil {
		return "", err
	}
	buf = append(buf, '.')
	buf = appendEncodeB64(buf, sig)
	return string(append(buf, trailer...)), nil
}

// signHMAC is sign for HS256. It starts from the HMAC state that has the
// constant start of the signing input absorbed, and lays the token out in
// a pooled buffer (the hash reads it through an interface, so a stack
// buffer would move to the heap).
func (m *Minter) signHMAC(key *Key, rest, trailer []byte) (string, error) {
	p := m.hmac.Load()
	if p == nil || p.key != key {
		var err error
		if p, err = newHMACPrefix(key, key.header+"."+m.headB64); err != nil {
			return "", err
		}
		m.hmac.Store(p)
	}
	sc := hmacScratchPool.Get().(*hmacScratch)
	defer sc.release()
	buf := m.appendSigningInput(sc.buf[:0], key, rest)
	mac, err := p.sum(sc, buf)
	if err != nil {
		return "", err
	}
	buf = append(buf, '.')
	buf = appendEncodeB64(buf, mac[:])
	buf = append(buf, trailer...)
	sc.buf = buf
	return string(buf), nil
}

// appendSigningInput appends header.payload.
func (m *Minter) appendSigningInput(dst []byte, key *Key, rest []byte) []byte {
	dst = append(dst, key.header...)
	dst = append(dst, '.')
	dst = append(dst, m.headB64...)
	return appendEncodeB64(dst, rest)
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
		if !utf8.ValidString(f.value) {
			return 0, fmt.Errorf("%w: %s is not valid UTF-8", ErrRequest, f.name)
		}
	}
	if !validScope(req.Scope) {
		return 0, fmt.Errorf("%w: scope is not space-separated scope tokens (RFC 6749 section 3.3)", ErrRequest)
	}
	return ttl, nil
}

// scopeChar marks the bytes of a scope-token: %x21 / %x23-5B / %x5D-7E.
var scopeChar = func() (t [256]bool) {
	for c := 0x21; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// validScope reports whether s is empty or scope-token *( SP scope-token )
// (RFC 6749 section 3.3).
func validScope(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case scopeChar[c]:
			prevSpace = false
		case c == ' ' && !prevSpace:
			prevSpace = true
		default:
			return false
		}
	}
	return !prevSpace || s == ""
}
