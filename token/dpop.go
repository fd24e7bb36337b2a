package token

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// ProofType is the typ of a DPoP proof (RFC 9449 section 4.2).
const ProofType = "dpop+jwt"

// proofAlgorithms are the algorithms a DPoP proof may be signed with:
// the asymmetric ones this package verifies, never HS256 or none.
var proofAlgorithms = []string{string(ES256), string(EdDSA), string(PS256), string(RS256)} // sorted

// ProofAlgorithms returns the algorithms VerifyProof accepts, for the
// dpop_signing_alg_values_supported of a server's metadata and the algs
// of its DPoP challenges (RFC 9449 sections 5.1 and 7.1).
func ProofAlgorithms() []string { return slices.Clone(proofAlgorithms) }

// Proof is a DPoP proof (RFC 9449 section 4.2) as VerifyProof reads it.
// IssuedAt is UTC; TokenHash and Nonce are "" when absent.
type Proof struct {
	Algorithm  Algorithm // alg
	Thumbprint string    // the RFC 7638 thumbprint of the header's jwk: what a bound token's cnf.jkt names
	ID         string    // jti
	Method     string    // htm
	URL        string    // htu
	IssuedAt   time.Time // iat
	TokenHash  string    // ath: the base64url SHA-256 of the access token it goes with
	Nonce      string    // nonce: the server's, when it asked for one
}

// ProofRules are what VerifyProof holds a proof to: the request it came
// with and the window its iat must lie in.
type ProofRules struct {
	// Method is the request's method, which htm must be exactly.
	Method string
	// URL is the request's URL as the server is reached, which htu must
	// be once both are normalized (RFC 3986 section 6.2.2 and 6.2.3:
	// scheme and host in any case, a default port or none, percent
	// escapes of unreserved characters or the characters), query and
	// fragment aside.
	URL string
	// MaxAge is how long before now iat may lie, and Leeway how far
	// after: a proof is fresh from iat-Leeway to iat+MaxAge, and whoever
	// refuses replays remembers its jti that long.
	MaxAge, Leeway time.Duration
	// AccessToken, when not "", is the access token the proof comes
	// with, whose hash ath must be (RFC 9449 section 4.3, check 12). At
	// a token endpoint it is "", and ath is not read.
	AccessToken string
}

// proofClaimNames are the claims VerifyProof reads.
var proofClaimNames = []string{"jti", "htm", "htu", "iat", "ath", "nonce"}

// proofHeaderNames are the header members VerifyProof reads.
var proofHeaderNames = []string{"alg", "typ", "jwk", "crit"}

// VerifyProof checks the DPoP proof raw at now against rules and returns
// it, making the checks of RFC 9449 section 4.3 in this order: one proof
// at most DefaultMaxSize long (ErrTooLarge); three base64url parts
// (ErrMalformed); the header, a JSON object with no crit and no member
// given twice or named like alg, typ or jwk in another case
// (ErrMalformed); typ dpop+jwt (ErrType); alg one of ProofAlgorithms
// (ErrAlgorithm: never none or HS256); jwk a public key with no private
// member (ErrInvalidKey) of the alg's type (ErrAlgorithm); the claims, a
// JSON object as strict, with string jti, htm, htu, ath and nonce and a
// numeric iat (ErrMalformed); jti, htm, htu and iat present
// (ErrMissingClaim); htm rules.Method (ErrProofMethod); htu rules.URL
// (ErrProofURL); iat at most rules.MaxAge before now (ErrExpired) and at
// most rules.Leeway after (ErrNotYetValid); ath the hash of
// rules.AccessToken, when given (ErrProofTokenHash); then the signature,
// under the jwk (ErrSignature), verified by golang-jwt with the one
// algorithm allowed. A bad proof thus costs no signature verification,
// and a good one exactly one.
//
// VerifyProof does not know which jti it saw before or which nonce the
// server gave: the caller refuses a jti seen within the proof's window
// and checks Nonce.
func VerifyProof(now time.Time, raw string, rules ProofRules) (Proof, error) {
	p, key, err := readProof(raw)
	if err != nil {
		return Proof{}, err
	}
	if err := p.check(now, rules); err != nil {
		return Proof{}, err
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{string(p.Algorithm)}), jwt.WithStrictDecoding(), jwt.WithoutClaimsValidation())
	t, err := parser.Parse(raw, func(*jwt.Token) (any, error) { return key.secret().verify, nil })
	if err != nil {
		return Proof{}, parseError(t, err)
	}
	return p, nil
}

// readProof decodes the header and the claims of raw, and the key of its
// jwk, without verifying anything but their form.
func readProof(raw string) (Proof, *Key, error) {
	if len(raw) > DefaultMaxSize {
		return Proof{}, nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), DefaultMaxSize)
	}
	if strings.ContainsAny(raw, "\r\n") {
		return Proof{}, nil, fmt.Errorf("%w: line break in the proof", ErrMalformed)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return Proof{}, nil, fmt.Errorf("%w: not three dot-separated parts", ErrMalformed)
	}
	key, alg, err := readProofHeader(parts[0])
	if err != nil {
		return Proof{}, nil, err
	}
	data, err := base64.RawURLEncoding.Strict().DecodeString(parts[1])
	if err != nil {
		return Proof{}, nil, fmt.Errorf("%w: payload is not base64url", ErrMalformed)
	}
	var (
		s   [5]headerString // jti, htm, htu, ath, nonce
		iat *numericValue
	)
	fields := map[string]any{"jti": &s[0], "htm": &s[1], "htu": &s[2], "ath": &s[3], "nonce": &s[4], "iat": &iat}
	if err := strictObject(data, proofClaimNames, func(name string) any { return fields[name] }); err != nil {
		return Proof{}, nil, err
	}
	for _, v := range s {
		if !validText(string(v)) {
			return Proof{}, nil, fmt.Errorf("%w: a claim holds U+FFFD", ErrMalformed)
		}
	}
	p := Proof{Algorithm: alg, Thumbprint: key.Thumbprint(), ID: string(s[0]), Method: string(s[1]), URL: string(s[2]), TokenHash: string(s[3]), Nonce: string(s[4])}
	if iat != nil {
		at, err := numericTime(float64(*iat))
		if err != nil {
			return Proof{}, nil, err
		}
		p.IssuedAt = at.UTC()
	}
	return p, key, nil
}

// readProofHeader checks the header part of a proof and returns the key
// of its jwk, under the header's alg.
func readProofHeader(part string) (*Key, Algorithm, error) {
	data, err := base64.RawURLEncoding.Strict().DecodeString(part)
	if err != nil {
		return nil, "", fmt.Errorf("%w: header is not base64url", ErrMalformed)
	}
	var (
		alg, typ headerString
		jwk      json.RawMessage
		crit     bool
	)
	err = strictObject(data, proofHeaderNames, func(name string) any {
		switch name {
		case "alg":
			return &alg
		case "typ":
			return &typ
		case "jwk":
			return &jwk
		}
		crit = true
		return nil
	})
	switch {
	case err != nil:
		return nil, "", err
	case crit:
		return nil, "", fmt.Errorf("%w: header has crit", ErrMalformed)
	case !isType(string(typ), ProofType):
		return nil, "", fmt.Errorf("%w: typ %s is not %s", ErrType, quote.Q(string(typ)), ProofType)
	case !slices.Contains(proofAlgorithms, string(alg)):
		return nil, "", fmt.Errorf("%w: alg %s", ErrAlgorithm, quote.Q(string(alg)))
	case !jsonObject(jwk):
		return nil, "", fmt.Errorf("%w: the header has no jwk object", ErrInvalidKey)
	}
	key, err := parseJWK(jwk, jwkInProof)
	if err != nil {
		return nil, "", err
	}
	if key, err = key.WithAlgorithm(Algorithm(alg)); err != nil {
		return nil, "", fmt.Errorf("%w: alg %s for the jwk's key type", ErrAlgorithm, alg)
	}
	return key, Algorithm(alg), nil
}

// check applies the claim rules of VerifyProof at now.
func (p *Proof) check(now time.Time, rules ProofRules) error {
	for _, c := range [...]struct {
		name    string
		missing bool
	}{{"jti", p.ID == ""}, {"htm", p.Method == ""}, {"htu", p.URL == ""}, {"iat", p.IssuedAt.IsZero()}} {
		if c.missing {
			return fmt.Errorf("%w: %s", ErrMissingClaim, c.name)
		}
	}
	switch {
	case p.Method != rules.Method:
		return fmt.Errorf("%w: htm %s", ErrProofMethod, quote.Q(p.Method))
	case !sameURL(p.URL, rules.URL):
		return fmt.Errorf("%w: htu %s", ErrProofURL, quote.Q(p.URL))
	case p.IssuedAt.Before(now.Add(-rules.MaxAge)):
		return fmt.Errorf("%w: iat more than %v ago", ErrExpired, rules.MaxAge)
	case p.IssuedAt.After(now.Add(rules.Leeway)):
		return fmt.Errorf("%w: iat after now", ErrNotYetValid)
	case rules.AccessToken != "" && p.TokenHash != TokenHash(rules.AccessToken):
		return ErrProofTokenHash
	}
	return nil
}

// TokenHash returns the ath of a DPoP proof that goes with the access
// token: the base64url SHA-256 of its ASCII bytes (RFC 9449 section 4.2).
func TokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// sameURL reports whether the htu of a DPoP proof names the URL want,
// both absolute http or https URLs: the same after the syntax- and
// scheme-based normalizations of RFC 3986 sections 6.2.2 and 6.2.3
// (scheme and host case, the default port, an empty path as "/", percent
// escapes in either case or of unreserved characters), with query and
// fragment left out of the comparison and no user information allowed.
func sameURL(htu, want string) bool {
	a, ok := normalURL(htu)
	if !ok {
		return false
	}
	b, ok := normalURL(want)
	return ok && a == b
}

// normalURL returns u without query and fragment, normalized for sameURL.
func normalURL(u string) (string, bool) {
	p, err := url.Parse(u)
	if err != nil || p.User != nil || p.Opaque != "" || p.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(p.Scheme)
	host := strings.ToLower(p.Host)
	switch scheme {
	case "http":
		host = strings.TrimSuffix(host, ":80")
	case "https":
		host = strings.TrimSuffix(host, ":443")
	default:
		return "", false
	}
	path, ok := normalPath(p.EscapedPath())
	if !ok {
		return "", false
	}
	return scheme + "://" + host + path, true
}

// normalPath writes the percent escapes of path in upper case and
// unreserved characters (RFC 3986 section 2.3) unescaped; "" is "/".
func normalPath(path string) (string, bool) {
	if path == "" {
		return "/", true
	}
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(path) || !isHex(path[i+1]) || !isHex(path[i+2]) {
			return "", false
		}
		v := unhex(path[i+1])<<4 | unhex(path[i+2])
		if isUnreserved(v) {
			b.WriteByte(v)
		} else {
			b.WriteString(strings.ToUpper(path[i : i+3]))
		}
		i += 2
	}
	return b.String(), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// isUnreserved reports whether c is an unreserved character of RFC 3986.
func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
