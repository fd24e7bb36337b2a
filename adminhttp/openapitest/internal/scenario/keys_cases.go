package scenario

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// Resources the suite's service serves (oauthapp.WithResources).
const (
	ResourceA = "https://api.example.test/a"
	ResourceB = "https://api.example.test/b"
)

// endpoint is the token endpoint the suite's assertions name as aud.
const endpoint = "https://auth.example.test/oauth2/token"

// clientKey is a client's key pair: the private half signs assertions,
// the public half is what the API is given.
type clientKey struct {
	priv      crypto.Signer
	method    jwt.SigningMethod
	publicPEM string
	// privatePEM is the private key as PEM, for the check that it is
	// never echoed when pasted by mistake.
	privatePEM string
}

func newEd25519Key() clientKey {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return newClientKey(priv, pub, jwt.SigningMethodEdDSA)
}

func newP256Key() clientKey {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return newClientKey(priv, priv.Public(), jwt.SigningMethodES256)
}

func newClientKey(priv crypto.Signer, pub crypto.PublicKey, m jwt.SigningMethod) clientKey {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err)
	}
	pder, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		panic(err)
	}
	return clientKey{
		priv: priv, method: m,
		publicPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		privatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pder})),
	}
}

// smallRSAPEM is a 1024-bit RSA public key: too small for a client key.
func smallRSAPEM() string {
	priv, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	return newClientKey(priv, priv.Public(), jwt.SigningMethodRS256).publicPEM
}

// suiteKey is the key the access cases add and remove.
var suiteKey = newEd25519Key()

// keyBody is an add-key body: id and algorithm are left out when "".
func keyBody(id, alg, publicPEM string) string {
	m := map[string]string{"public_key": publicPEM}
	if id != "" {
		m["id"] = id
	}
	if alg != "" {
		m["algorithm"] = alg
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func keysPath(sid string) string { return appPath(sid) + "/Keys" }

func keyPath(sid, id string) string { return keysPath(sid) + "/" + id }

// assert signs an assertion with k under kid and has the service
// check it, as its token endpoint would.
func (e *env) assert(sid, kid string, k clientKey) error {
	now := e.clock.Now()
	tok := jwt.NewWithClaims(k.method, jwt.MapClaims{
		"iss": sid, "sub": sid, "aud": endpoint,
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		"jti": oauthapptest.NewSID("JT"),
	})
	tok.Header["kid"] = kid
	signed, err := tok.SignedString(k.priv)
	if err != nil {
		return err
	}
	_, err = e.svc.AuthenticateAssertion(context.Background(), oauthapp.Assertion{ClientID: sid, JWT: signed, Endpoint: endpoint})
	return err
}

// keyEvents returns the client key events after the first n events.
func (e *env) keyEvents(n int) []oauthapp.Event {
	var out []oauthapp.Event
	for _, ev := range e.eventsSince(n) {
		if ev.Kind == oauthapp.EventClientKeyAdded || ev.Kind == oauthapp.EventClientKeyRemoved {
			out = append(out, ev)
		}
	}
	return out
}

// echoesKey reports whether an answer holds a PEM block or any base64
// line of k's public or private PEM.
func echoesKey(r result, k clientKey) bool {
	if strings.Contains(string(r.body), "-----BEGIN") {
		return true
	}
	for _, line := range strings.Split(k.publicPEM+k.privatePEM, "\n") {
		if len(line) >= 16 && !strings.HasPrefix(line, "-----") && strings.Contains(string(r.body), line) {
			return true
		}
	}
	return false
}

var keyCases = []testCase{
	{"a key added over HTTP is listed, authenticates the client, and stops when removed", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		app := e.create(t, tok, "x")
		sid := str(app, "sid")
		if links, _ := app["links"].(map[string]any); links["keys"] != keysPath(sid) {
			t.Errorf("links.keys = %v, want %s", links["keys"], keysPath(sid))
		}
		k := newEd25519Key()
		before := e.eventCount()
		r := e.do(tok, "POST", keysPath(sid), keyBody("", "", k.publicPEM))
		wantStatus(t, r, 201)
		m := r.obj(t)
		kid := str(m, "id")
		if kid == "" || m["algorithm"] != "EdDSA" || m["public_key"] != k.publicPEM || m["date_last_used"] != nil || str(m, "date_created") == "" {
			t.Errorf("added key: %s", r.body)
		}
		if m["url"] != keyPath(sid, kid) || r.header.Get("Location") != keyPath(sid, kid) || r.header.Get("ETag") != `"2"` {
			t.Errorf("url %v Location %q ETag %q", m["url"], r.header.Get("Location"), r.header.Get("ETag"))
		}
		if ev := e.keyEvents(before); len(ev) != 1 || ev[0].Kind != oauthapp.EventClientKeyAdded || ev[0].Actor != owner || ev[0].KeyID != kid {
			t.Errorf("audit events %+v, want one client_key.added by the owner", ev)
		}

		list := e.do(tok, "GET", keysPath(sid), "")
		wantStatus(t, list, 200)
		keys, _ := list.obj(t)["keys"].([]any)
		if len(keys) != 1 || keys[0].(map[string]any)["id"] != kid || list.header.Get("ETag") != `"2"` {
			t.Errorf("listed keys: %s (ETag %q)", list.body, list.header.Get("ETag"))
		}
		if err := e.assert(sid, kid, k); err != nil {
			t.Errorf("the added key does not authenticate the client: %v", err)
		}

		r = e.do(tok, "DELETE", keyPath(sid, kid), "")
		wantStatus(t, r, 204)
		if len(r.body) != 0 {
			t.Errorf("204 with a body: %s", r.body)
		}
		if keys, _ := e.do(tok, "GET", keysPath(sid), "").obj(t)["keys"].([]any); len(keys) != 0 {
			t.Errorf("%d keys listed after the removal", len(keys))
		}
		if e.assert(sid, kid, k) == nil {
			t.Error("the removed key still authenticates the client")
		}
		if ev := e.keyEvents(before); len(ev) != 2 || ev[1].Kind != oauthapp.EventClientKeyRemoved || ev[1].KeyID != kid {
			t.Errorf("audit events %+v, want client_key.removed last", ev)
		}
		wantProblem(t, e.do(tok, "DELETE", keyPath(sid, kid), ""), 404, adminhttp.ProblemNotFound, "")
		wantProblem(t, e.do(tok, "DELETE", keyPath(sid, "never-added"), ""), 404, adminhttp.ProblemNotFound, "")
	}},
	{"a named id and algorithm are kept", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		k := newP256Key()
		r := e.do(tok, "POST", keysPath(sid), keyBody("laptop-2026", "ES256", k.publicPEM))
		wantStatus(t, r, 201)
		if m := r.obj(t); m["id"] != "laptop-2026" || m["algorithm"] != "ES256" {
			t.Errorf("added key: %s", r.body)
		}
		if err := e.assert(sid, "laptop-2026", k); err != nil {
			t.Errorf("the key does not authenticate the client: %v", err)
		}
	}},
	{"a bad key, an algorithm it cannot verify or a full app is a problem naming the field, and changes nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		k := newEd25519Key()
		for i := range oauthapp.MaxClientKeys - 1 {
			wantStatus(t, e.do(tok, "POST", keysPath(sid), keyBody("k"+string(rune('0'+i)), "", k.publicPEM)), 201)
		}
		before, events := e.stored(t, owner.AccountSID), e.eventCount()
		for _, c := range []struct{ body, field string }{
			{keyBody("", "", "not a key"), "public_key"},
			{keyBody("", "", k.privatePEM), "public_key"},
			{keyBody("", "", smallRSAPEM()), "public_key"},
			{keyBody("", "", k.publicPEM+"trailing"), "public_key"},
			{keyBody("", "HS256", k.publicPEM), "algorithm"},
			{keyBody("", "none", k.publicPEM), "algorithm"},
			{keyBody("", "ES256", k.publicPEM), "algorithm"},
			{keyBody("has space", "", k.publicPEM), "id"},
			{keyBody(strings.Repeat("k", oauthapp.MaxClientKeyIDLen+1), "", k.publicPEM), "id"},
			{keyBody("k0", "", k.publicPEM), "id"},
			{`{"id":"x"}`, "public_key"},
			{`{"public_key":7}`, "public_key"},
			{`{"public_key":"x","kid":"y"}`, "kid"},
			{`{"Public_Key":"x"}`, "Public_Key"},
			{`{}`, "public_key"},
			{``, ""},
		} {
			r := e.do(tok, "POST", keysPath(sid), c.body)
			wantProblem(t, r, 400, adminhttp.ProblemInvalidRequest, c.field)
			if echoesKey(r, k) {
				t.Errorf("the problem echoes the key: %s", r.body)
			}
		}
		if e.stored(t, owner.AccountSID) != before || e.eventCount() != events {
			t.Error("refused keys changed the app or emitted events")
		}
		wantStatus(t, e.do(tok, "POST", keysPath(sid), keyBody("last", "", k.publicPEM)), 201)
		before = e.stored(t, owner.AccountSID)
		wantProblem(t, e.do(tok, "POST", keysPath(sid), keyBody("one-too-many", "", k.publicPEM)), 400, adminhttp.ProblemInvalidRequest, "public_key")
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a key beyond the limit changed the app")
		}
	}},
	{"add and remove with a stale If-Match are 412 and change nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		before := e.stored(t, owner.AccountSID)
		for _, stale := range []string{`"2"`, `W/"1"`, `"3", "4"`} {
			wantProblem(t, e.do(tok, "POST", keysPath(sid), keyBody("k", "", suiteKey.publicPEM), "If-Match", stale), 412, adminhttp.ProblemPreconditionFailed, "If-Match")
		}
		wantProblem(t, e.do(tok, "POST", keysPath(sid), keyBody("k", "", suiteKey.publicPEM), "If-Match", `1`), 400, adminhttp.ProblemInvalidRequest, "If-Match")
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a refused conditional add changed the app")
		}
		r := e.do(tok, "POST", keysPath(sid), keyBody("k", "", suiteKey.publicPEM), "If-Match", `"1"`)
		wantStatus(t, r, 201)
		before = e.stored(t, owner.AccountSID)
		wantProblem(t, e.do(tok, "DELETE", keyPath(sid, "k"), "", "If-Match", `"1"`), 412, adminhttp.ProblemPreconditionFailed, "If-Match")
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a refused conditional removal changed the app")
		}
		wantStatus(t, e.do(tok, "DELETE", keyPath(sid, "k"), "", "If-Match", r.header.Get("ETag")), 204)
	}},
	{"create with client_keys and no_secret gives an app without a secret whose key works", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		k := newEd25519Key()
		r := e.do(tok, "POST", apps(), `{"friendly_name":"jwt client","policy":{"allow":["`+PermList+`"]},"no_secret":true,"client_keys":[`+keyBody("k1", "", k.publicPEM)+`]}`)
		wantStatus(t, r, 201)
		m := r.obj(t)
		sid := str(m, "sid")
		if _, ok := m["client_secret"]; ok {
			t.Errorf("an app without a secret answers a client_secret: %s", r.body)
		}
		if secrets, _ := e.do(tok, "GET", secretsPath(sid), "").obj(t)["secrets"].([]any); len(secrets) != 0 {
			t.Errorf("an app without a secret lists %d secrets", len(secrets))
		}
		keys, _ := e.do(tok, "GET", keysPath(sid), "").obj(t)["keys"].([]any)
		if len(keys) != 1 || keys[0].(map[string]any)["id"] != "k1" {
			t.Errorf("keys of the new app: %v", keys)
		}
		if err := e.assert(sid, "k1", k); err != nil {
			t.Errorf("the key given at creation does not authenticate the client: %v", err)
		}
		r = e.do(tok, "POST", apps(), `{"friendly_name":"both","policy":{"allow":["`+PermList+`"]},"client_keys":[`+keyBody("", "", k.publicPEM)+`]}`)
		wantStatus(t, r, 201)
		if str(r.obj(t), "client_secret") == "" {
			t.Error("an app with keys and a secret does not answer its secret")
		}
	}},
	{"create refuses bad client_keys or no_secret, names the field, and creates nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		k := newEd25519Key()
		good := keyBody("", "", k.publicPEM)
		six := strings.TrimSuffix(strings.Repeat(keyBody("a", "", k.publicPEM)+",", oauthapp.MaxClientKeys+1), ",")
		base := `{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},`
		for _, c := range []struct{ body, field string }{
			{base + `"no_secret":true}`, "no_secret"},
			{base + `"no_secret":true,"client_keys":[]}`, "no_secret"},
			{base + `"no_secret":"yes","client_keys":[` + good + `]}`, "no_secret"},
			{base + `"client_keys":[` + keyBody("", "", "not a key") + `]}`, "client_keys"},
			{base + `"client_keys":[` + keyBody("", "", k.privatePEM) + `]}`, "client_keys"},
			{base + `"client_keys":[` + keyBody("", "HS256", k.publicPEM) + `]}`, "client_keys"},
			{base + `"client_keys":[` + good + `,` + good + `]}`, "client_keys"},
			{base + `"client_keys":[` + six + `]}`, "client_keys"},
			{base + `"client_keys":[{"public_key":"x","kid":"y"}]}`, "kid"},
			{base + `"client_keys":[{"public_key":7}]}`, "client_keys.public_key"},
			{base + `"client_keys":{"public_key":"x"}}`, "client_keys"},
		} {
			r := e.do(tok, "POST", apps(), c.body)
			wantProblem(t, r, 400, adminhttp.ProblemInvalidRequest, c.field)
			if echoesKey(r, k) {
				t.Errorf("the problem echoes the key: %s", r.body)
			}
		}
		if s := e.stored(t, owner.AccountSID); s != "" {
			t.Errorf("refused creates stored apps:\n%s", s)
		}
		sid := str(e.create(t, tok, "x"), "sid")
		before := e.stored(t, owner.AccountSID)
		wantProblem(t, e.do(tok, "POST", appPath(sid), `{"client_keys":[`+good+`]}`), 400, adminhttp.ProblemInvalidRequest, "client_keys")
		wantProblem(t, e.do(tok, "POST", appPath(sid), `{"no_secret":true}`), 400, adminhttp.ProblemInvalidRequest, "no_secret")
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a refused update changed the app")
		}
	}},
}

var resourceCases = []testCase{
	{"resources round-trip on create and update; an unknown one is a problem naming resources", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		r := e.do(tok, "POST", apps(), `{"friendly_name":"x","policy":{"allow":["`+PermList+`"]},"resources":["`+ResourceB+`","`+ResourceA+`"]}`)
		wantStatus(t, r, 201)
		sid := str(r.obj(t), "sid")
		wantResources := func(r result, want ...string) {
			t.Helper()
			got, ok := r.obj(t)["resources"].([]any)
			if !ok || len(got) != len(want) {
				t.Fatalf("resources %v, want %v", r.obj(t)["resources"], want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("resources %v, want %v", got, want)
				}
			}
		}
		wantResources(r, ResourceA, ResourceB)
		wantResources(e.do(tok, "GET", appPath(sid), ""), ResourceA, ResourceB)
		wantResources(e.do(tok, "POST", appPath(sid), `{"resources":["`+ResourceB+`"]}`), ResourceB)
		wantResources(e.do(tok, "GET", appPath(sid), ""), ResourceB)
		wantResources(e.do(tok, "POST", appPath(sid), `{"resources":[]}`))
		wantResources(e.do(tok, "POST", apps(), createBody("none")))

		before := e.stored(t, owner.AccountSID)
		for _, bad := range []string{`["https://unknown.example.test/"]`, `["not a uri"]`, `["` + ResourceA + `#frag"]`, `[""]`, `"` + ResourceA + `"`, `[7]`} {
			wantProblem(t, e.do(tok, "POST", apps(), `{"friendly_name":"x","policy":{"allow":["`+PermList+`"]},"resources":`+bad+`}`), 400, adminhttp.ProblemInvalidRequest, "resources")
			wantProblem(t, e.do(tok, "POST", appPath(sid), `{"resources":`+bad+`}`), 400, adminhttp.ProblemInvalidRequest, "resources")
		}
		if e.stored(t, owner.AccountSID) != before {
			t.Error("refused resources changed or created an app")
		}
	}},
}
