package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxDepth is how deep a claim's value may nest: encoding/json's limit of
// 10,000 levels, less the claims object itself.
const maxDepth = 9999

// decodeClaims reads claims JSON the way Validate does: golang-jwt decodes
// it into wireClaims with json.Unmarshal (Validate reports a failure there
// as ErrMalformed), then finish applies this package's rules.
func decodeClaims(s string) (Claims, error) {
	var w wireClaims
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := w.finish(base64.RawURLEncoding.EncodeToString([]byte(s))); err != nil {
		return Claims{}, err
	}
	return w.claims(), nil
}

// encoded is the payload Mint writes, as json.Marshal encodes it: whole
// seconds, a single audience as a string (RFC 7519 section 4.1.3), empty
// optional claims left out.
type encoded struct {
	Issuer     string `json:"iss"`
	Subject    string `json:"sub"`
	Audience   any    `json:"aud"`
	ExpiresAt  int64  `json:"exp"`
	NotBefore  int64  `json:"nbf,omitempty"`
	IssuedAt   int64  `json:"iat"`
	ID         string `json:"jti"`
	ClientID   string `json:"client_id"`
	Scope      string `json:"scope,omitempty"`
	AccountSID string `json:"account_sid,omitempty"`
	Region     string `json:"region,omitempty"`
	SecretID   string `json:"secret_id,omitempty"`
	Cnf        *struct {
		JKT string `json:"jkt"`
	} `json:"cnf,omitempty"`
}

// encodeClaims returns the payload JSON Mint writes for c, checked
// against json.Marshal of the same claims built here: Mint's encoder must
// write exactly what Marshal does.
func encodeClaims(c *Claims) ([]byte, error) {
	out := c.marshal()
	var aud any = c.Audience
	if len(c.Audience) == 1 {
		aud = c.Audience[0]
	}
	var nbf int64
	if !c.NotBefore.IsZero() {
		nbf = c.NotBefore.Unix()
	}
	e := &encoded{
		Issuer: c.Issuer, Subject: c.Subject, Audience: aud,
		ExpiresAt: c.ExpiresAt.Unix(), NotBefore: nbf, IssuedAt: c.IssuedAt.Unix(), ID: c.ID,
		ClientID: c.ClientID, Scope: c.Scope, AccountSID: c.AccountSID, Region: c.Region, SecretID: c.SecretID,
	}
	if c.DPoPThumbprint != "" {
		e.Cnf = &struct {
			JKT string `json:"jkt"`
		}{c.DPoPThumbprint}
	}
	want, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(out, want) {
		return nil, fmt.Errorf("marshal wrote %s, json.Marshal %s", out, want)
	}
	return bytes.Clone(out), nil
}

// Mint's payload is what json.Marshal writes for the same claims, for
// every shape of aud, with and without nbf, and with text encoding/json
// escapes.
func TestEncodeClaimsAsJSONMarshal(t *testing.T) {
	base := Claims{Issuer: "https://as", Subject: "OQ1", ExpiresAt: time.Unix(7200, 0), IssuedAt: time.Unix(3600, 0), ID: "j", ClientID: "OQ1"}
	for name, edit := range map[string]func(c *Claims){
		"one audience":         func(c *Claims) { c.Audience = []string{"https://api"} },
		"two audiences":        func(c *Claims) { c.Audience = []string{"https://a", "https://b<&>"} },
		"no audience":          func(c *Claims) {},
		"an empty audience":    func(c *Claims) { c.Audience = []string{} },
		"nbf":                  func(c *Claims) { c.NotBefore = time.Unix(3600, 0) },
		"nbf at the epoch":     func(c *Claims) { c.NotBefore = time.Unix(0, 0) },
		"every optional claim": func(c *Claims) { c.Scope, c.AccountSID, c.Region, c.SecretID = "a b", "AC1", "us1", "SK1" },
		"a DPoP binding":       func(c *Claims) { c.DPoPThumbprint = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" },
		"text to escape":       func(c *Claims) { c.Subject, c.Scope, c.Region = "\"q\"\\\u2028", "<a>&", "é😀\x01" },
	} {
		t.Run(name, func(t *testing.T) {
			c := base
			edit(&c)
			_, err := encodeClaims(&c)
			require.NoError(t, err)
		})
	}
}

func TestDecodeClaims(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Claims
	}{
		{"empty object", `{}`, Claims{}},
		{"whitespace everywhere", " \t\r\n{ \"iss\" :\n\"a\" , \"exp\" : 5 }\n", Claims{Issuer: "a", ExpiresAt: time.Unix(5, 0).UTC()}},
		{"aud as a string", `{"aud":"x"}`, Claims{Audience: []string{"x"}}},
		{"aud as an array", `{"aud":["x","y"]}`, Claims{Audience: []string{"x", "y"}}},
		{"aud as an empty array", `{"aud":[]}`, Claims{}},
		{"escapes in values", `{"sub":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z"}`, Claims{Subject: "a\"\\/\b\f\n\r\t\u00e9\U0001F600z"}},
		{"escaped member name", `{"\u0069ss":"a"}`, Claims{Issuer: "a"}},
		{"raw UTF-8 in values", `{"region":"é😀"}`, Claims{Region: "é😀"}},
		{"fractional NumericDate", `{"iat":1.5}`, Claims{IssuedAt: time.Unix(1, 5e8).UTC()}},
		{"exponent NumericDate", `{"nbf":1E3,"exp":2e+1,"iat":100e-2}`, Claims{NotBefore: time.Unix(1000, 0).UTC(), ExpiresAt: time.Unix(20, 0).UTC(), IssuedAt: time.Unix(1, 0).UTC()}},
		{"negative zero", `{"iat":-0}`, Claims{IssuedAt: time.Unix(0, 0).UTC()}},
		{"largest NumericDate", `{"exp":253402300799}`, Claims{ExpiresAt: time.Unix(maxNumericDate, 0).UTC()}},
		{"null claims are absent", `{"iss":null,"aud":null,"exp":null,"scope":null}`, Claims{}},
		{"unknown members of every kind", `{"a":{"b":[1,-2.5e3,true,false,null,"s",{}]},"c":[],"d":"\u0000","jti":"j"}`, Claims{ID: "j"}},
		{"own claims", `{"account_sid":"AC1","region":"us1","secret_id":"SK1","client_id":"OQ1","scope":"a b"}`, Claims{AccountSID: "AC1", Region: "us1", SecretID: "SK1", ClientID: "OQ1", Scope: "a b"}},
	} {
		t.Run(tc.name+" decodes", func(t *testing.T) {
			got, err := decodeClaims(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("nesting at the limit decodes", func(t *testing.T) {
		_, err := decodeClaims(`{"x":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`)
		require.NoError(t, err)
	})
}

// TestDecodeClaimsRefuses: every way claims JSON can be malformed is
// ErrMalformed, with no claims. Its length is its list of cases.
func TestDecodeClaimsRefuses(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"empty input", ``},
		{"not an object", `[]`},
		{"a string", `"iss"`},
		{"null", `null`},
		{"trailing data", `{} {}`},
		{"trailing comma", `{"iss":"a",}`},
		{"missing colon", `{"iss" "a"}`},
		{"unquoted name", `{iss:"a"}`},
		{"single quotes", `{'iss':'a'}`},
		{"duplicate known member", `{"iss":"a","iss":"a"}`},
		{"duplicate known member, second null", `{"iss":"a","iss":null}`},
		{"duplicate through an escape", `{"iss":"a","\u0069ss":"b"}`},
		{"duplicate unknown member", `{"x":1,"x":2}`},
		{"claim name in another case", `{"suB":"a"}`},
		{"duplicate through case", `{"sub":"a","SUB":"b"}`},
		{"iss a number", `{"iss":1}`},
		{"iss an object", `{"iss":{}}`},
		{"aud holding null", `{"aud":["a",null]}`},
		{"aud holding an array", `{"aud":[["a"]]}`},
		{"aud unclosed", `{"aud":["a"}`},
		{"exp a string", `{"exp":"1"}`},
		{"exp true", `{"exp":true}`},
		{"exp negative", `{"exp":-1}`},
		{"exp too large", `{"exp":253402300800}`},
		{"exp overflowing a float", `{"exp":1e400}`},
		{"number with a leading zero", `{"exp":01}`},
		{"number with a bare dot", `{"exp":1.}`},
		{"number with a bare exponent", `{"exp":1e}`},
		{"number with a plus sign", `{"exp":+1}`},
		{"hex number", `{"exp":0x10}`},
		{"NaN", `{"exp":NaN}`},
		{"control character in a string", "{\"iss\":\"a\x01\"}"},
		{"unknown escape", `{"iss":"\x"}`},
		{"short unicode escape", `{"iss":"\u12"}`},
		{"lone high surrogate", `{"iss":"\ud800"}`},
		{"lone low surrogate", `{"iss":"\udc00"}`},
		{"high surrogate then a letter", `{"iss":"\ud800\u0041"}`},
		{"invalid UTF-8", "{\"iss\":\"\xff\"}"},
		{"UTF-8 surrogate", "{\"iss\":\"\xed\xa0\x80\"}"},
		{"overlong UTF-8", "{\"iss\":\"\xc0\xaf\"}"},
		{"unterminated string", `{"iss":"a`},
		{"bad literal", `{"x":tru}`},
		{"nesting beyond the limit", `{"x":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + `}`},
		{"byte-order mark", "\ufeff{}"},
	} {
		t.Run(tc.name+" is malformed", func(t *testing.T) {
			got, err := decodeClaims(tc.in)
			require.ErrorIs(t, err, ErrMalformed)
			assert.Zero(t, got)
		})
	}
}

func TestParseHeader(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	h, err := parseHeader(b64([]byte(`{"typ":"at+jwt","x5t":["a",{"b":1}],"alg":"ES256","kid":"k\u002d1"}`)))
	require.NoError(t, err)
	assert.Equal(t, header{alg: "ES256", kid: "k-1", typ: "at+jwt"}, h)
	for _, in := range []string{`{"alg":"a","alg":"b"}`, `{"crit":["b64"],"b64":false}`, `{"alg":1}`, `{"kid":null}`, `{}x`, `[]`} {
		t.Run(in+" is malformed", func(t *testing.T) {
			_, err := parseHeader(b64([]byte(in)))
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

// FuzzDecodeClaims compares the claims decoder with encoding/json: both
// accept the same inputs (up to this decoder's documented extra strictness)
// and agree on every claim.
func FuzzDecodeClaims(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"iss":"a","aud":["b","c"],"exp":1.5,"iat":1e3,"nbf":0}`,
		`{"sub":"\ud83d\ude00\n","x":{"y":[1,null,true]}}`, `{"iss":"a","iss":"b"}`,
		`{"aud":"x","scope":null,"exp":-0}`, `{"\u0069ss":"a"}`, `{"exp":1E+2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeClaims(string(data))
		want, why := referenceClaims(data)
		if why != "" {
			if err == nil {
				t.Fatalf("accepted %q, which the reference rejects: %s", data, why)
			}
			if !assertMalformed(err) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("rejected %q, which the reference accepts: %v", data, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("decoded %q as\n%#v\nreference\n%#v", data, got, want)
		}
	})
}

func assertMalformed(err error) bool { return errors.Is(err, ErrMalformed) }

// FuzzClaimsRoundTrip: whatever claims Mint may write come back unchanged,
// in JSON that encoding/json reads the same way.
func FuzzClaimsRoundTrip(f *testing.F) {
	f.Add("iss", "sub", "aud", "jti", "a b", "AC1", "us1", "SK1", int64(1700000000))
	f.Add("\"\\\x00\x1f\u2028", "é", "😀", "<>&", "", "", "\x7f", "\ufffd", int64(0))
	f.Fuzz(func(t *testing.T, iss, sub, aud, jti, scope, account, region, secret string, iat int64) {
		if iat < 0 || iat > maxNumericDate-MaxTTL.Milliseconds()/1000 {
			return
		}
		for _, s := range []string{iss, sub, aud, jti, scope, account, region, secret} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
				return
			}
		}
		if sub == "" || jti == "" || iss == "" || aud == "" {
			return
		}
		// Mint's jti is base64url text; any bytes encode to one.
		jti = base64.RawURLEncoding.EncodeToString([]byte(jti))
		c := Claims{
			Issuer: iss, Subject: sub, Audience: []string{aud}, ID: jti, ClientID: sub,
			IssuedAt: time.Unix(iat, 0).UTC(), ExpiresAt: time.Unix(iat+3600, 0).UTC(),
			Scope: scope, AccountSID: account, Region: region, SecretID: secret,
		}
		out, err := encodeClaims(&c)
		require.NoError(t, err)
		got, err := decodeClaims(string(out))
		require.NoError(t, err, "%s", out)
		assert.Equal(t, c, got)
		var ref map[string]any
		require.NoError(t, json.Unmarshal(out, &ref), "%s", out)
		assert.Equal(t, sub, ref["sub"])
		assert.Equal(t, iss, ref["iss"])
		assert.Equal(t, float64(iat), ref["iat"])
	})
}

// referenceClaims decodes data with encoding/json plus the rules this
// package adds, and returns why it is rejected, or "".
func referenceClaims(data []byte) (Claims, string) {
	var c Claims
	switch {
	case !utf8.Valid(data):
		return c, "invalid UTF-8"
	case !json.Valid(data):
		return c, "invalid JSON"
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return c, "not an object"
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, _ := dec.Token()
		name := tok.(string)
		for _, k := range []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "scope", claimAccountSID, claimRegion, claimSecretID} {
			if strings.EqualFold(name, k) && name != k {
				return c, "claim name in another case " + name
			}
		}
		if seen[name] {
			return c, "duplicate " + name
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return c, err.Error()
		}
		if string(raw) == "null" {
			continue
		}
		if why := referenceClaim(&c, name, raw); why != "" {
			return c, why
		}
	}
	for _, s := range append([]string{c.Issuer, c.Subject, c.ID, c.ClientID, c.Scope, c.AccountSID, c.Region, c.SecretID}, c.Audience...) {
		if strings.ContainsRune(s, utf8.RuneError) {
			return Claims{}, "U+FFFD in a claim"
		}
	}
	return c, ""
}

// referenceClaim reads the claim name from raw into c as encoding/json
// and this package's rules read it, and returns why it is refused, or "".
func referenceClaim(c *Claims, name string, raw json.RawMessage) string {
	str := func(dst *string) string {
		if raw[0] != '"' || json.Unmarshal(raw, dst) != nil {
			return name + " not a string"
		}
		return ""
	}
	date := func(dst *time.Time) string {
		var n json.Number
		if raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
			return name + " not a number"
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil || f < 0 || f > maxNumericDate {
			return name + " out of range"
		}
		sec, frac := math.Modf(f)
		*dst = time.Unix(int64(sec), int64(frac*1e9)).UTC()
		return ""
	}
	switch name {
	case "iss":
		return str(&c.Issuer)
	case "sub":
		return str(&c.Subject)
	case "jti":
		return str(&c.ID)
	case "client_id":
		return str(&c.ClientID)
	case "scope":
		return str(&c.Scope)
	case claimAccountSID:
		return str(&c.AccountSID)
	case claimRegion:
		return str(&c.Region)
	case claimSecretID:
		return str(&c.SecretID)
	case "exp":
		return date(&c.ExpiresAt)
	case "iat":
		return date(&c.IssuedAt)
	case "nbf":
		return date(&c.NotBefore)
	case "aud":
		return referenceAudience(c, raw)
	}
	return ""
}

// referenceAudience reads aud as referenceClaim does: one string or an
// array of strings.
func referenceAudience(c *Claims, raw json.RawMessage) string {
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		c.Audience = []string{s}
		return ""
	}
	var list []any
	if json.Unmarshal(raw, &list) != nil {
		return "aud not an array"
	}
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			return "aud element not a string"
		}
		c.Audience = append(c.Audience, s)
	}
	return ""
}
