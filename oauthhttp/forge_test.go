package oauthhttp_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/token"
)

// send posts a body of any content type to the token endpoint.
func (st *stack) send(t *testing.T, method, ctype, body, auth string) answer {
	t.Helper()
	r, err := http.NewRequest(method, st.ts.URL+oauthhttp.TokenPath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Authorization", auth)
	return st.do(t, r)
}

func kidOf(tg *target) string { return tg.st.kit.Keys.SigningKey().ID() }

func header(alg, kid string) string {
	b, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "at+jwt"})
	return string(b)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// compact joins a header, claims and signature as a compact JWS.
func compact(hdr string, claims []byte, sig string) string {
	return b64([]byte(hdr)) + "." + b64(claims) + "." + sig
}

// hs256 signs header and claims with HMAC-SHA256 keyed by key.
func hs256(hdr string, claims []byte, key []byte) string {
	unsigned := b64([]byte(hdr)) + "." + b64(claims)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + b64(mac.Sum(nil))
}

// payload decodes the claims of a compact JWS.
func payload(t *testing.T, jws string) []byte {
	t.Helper()
	parts := strings.Split(jws, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tamper changes one claim of a real token and keeps its header and
// signature.
func tamper(t *testing.T, jws, claim string, value any) string {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(payload(t, jws), &c); err != nil {
		t.Fatal(err)
	}
	c[claim] = value
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(jws, ".")
	return parts[0] + "." + b64(b) + "." + parts[2]
}

// mintWith signs, with key, the claims a real token of the target's app
// carries, issued at `at`.
func mintWith(t *testing.T, tg *target, key *token.Key, at time.Time) string {
	t.Helper()
	keys, err := token.NewKeySet(key)
	if err != nil {
		t.Fatal(err)
	}
	m, err := token.NewMinter(keys, issuer, oauthapp.DefaultAudience)
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := m.Mint(at, token.MintRequest{
		ClientID: tg.app.SID, Scope: permList + " " + permRead, AccountSID: tg.app.AccountSID,
		Region: tg.app.Region, SecretID: tg.app.Secrets[0].ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestAttackControls shows the forging helpers make tokens the stack
// accepts when nothing is forged, so the refusals of TestAttacks are for the
// forgery alone.
func TestAttackControls(t *testing.T) {
	tg := newTarget(t)
	for name, tok := range map[string]string{
		"minted with the real key now":                           mintWith(t, tg, tg.st.kit.Keys.SigningKey(), tg.st.kit.Clock.Now()),
		"minted within the clock-skew leeway":                    mintWith(t, tg, tg.st.kit.Keys.SigningKey(), tg.st.kit.Clock.Now().Add(token.DefaultLeeway)),
		"a real token with one claim rewritten to its own value": tamper(t, tg.token(t, ""), "client_id", tg.app.SID),
	} {
		a := tg.st.get(t, tg.path, tok)
		wantOK := !strings.HasPrefix(name, "a real token with one claim")
		if got := a.status == http.StatusOK; got != wantOK {
			t.Errorf("%s: status %d %s", name, a.status, a.body)
		}
	}
}
