package oauthapp

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

const (
	testIssuer   = "https://auth.example.test"
	testEndpoint = "https://auth.example.test/oauth2/token"
	testResource = "https://api.example.test/v1"
	testPerm     = "/demo/messaging/messages/read"
)

// assertionFixture is a service on a memory store with an app that
// authenticates with an Ed25519 client key only.
type assertionFixture struct {
	svc    *Service
	store  *store.Memory
	now    time.Time
	owner  Actor
	app    App
	kid    string
	priv   ed25519.PrivateKey
	mu     sync.Mutex
	events []Event
}

func publicPEM(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func newAssertionFixture(t testing.TB, opts ...Option) *assertionFixture {
	t.Helper()
	f := &assertionFixture{store: store.NewMemory(), now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	key, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		t.Fatal(err)
	}
	base := []Option{
		WithClock(func() time.Time { return f.now }),
		WithIssuer(testIssuer),
		WithResources(testResource),
		WithAudit(func(_ context.Context, e Event) {
			f.mu.Lock()
			f.events = append(f.events, e)
			f.mu.Unlock()
		}),
	}
	if f.svc, err = New(f.store, keys, append(base, opts...)...); err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	f.priv = priv
	f.owner = Actor{UserSID: newSID("US"), AccountSID: newSID("AC"), Role: RoleOwner}
	f.app, _, err = f.svc.CreateApp(context.Background(), f.owner, NewApp{
		FriendlyName: "jwt client",
		Permissions:  Permissions{Allow: []string{testPerm}},
		NoSecret:     true,
		ClientKeys:   []NewClientKey{{PublicKeyPEM: publicPEM(t, pub)}},
		Resources:    []string{testResource},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.kid = f.app.ClientKeys[0].ID
	return f
}

// claims are good assertion claims at the fixture's time.
func (f *assertionFixture) claims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": f.app.SID,
		"sub": f.app.SID,
		"aud": testEndpoint,
		"exp": f.now.Add(time.Minute).Unix(),
		"iat": f.now.Unix(),
		"jti": newSID("JT"),
	}
}

// sign signs claims as the client does, under kid.
func (f *assertionFixture) sign(t testing.TB, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = f.kid
	s, err := tok.SignedString(f.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signJSON signs a header and claims given as JSON text, byte for byte,
// with the client's key: for assertions golang-jwt would not write.
func (f *assertionFixture) signJSON(t testing.TB, header, claims string) string {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	input := b64([]byte(header)) + "." + b64([]byte(claims))
	return input + "." + b64(ed25519.Sign(f.priv, []byte(input)))
}

// header is the JSON header of the client's assertions, with extra
// members after kid.
func (f *assertionFixture) header(extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"alg":"EdDSA","kid":%q%s}`, f.kid, extra)
}

// claimsJSON is c as JSON, with extra members at the end.
func (f *assertionFixture) claimsJSON(t testing.TB, c jwt.MapClaims, extra string) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if extra == "" {
		return string(b)
	}
	return string(b[:len(b)-1]) + "," + extra + "}"
}

func (f *assertionFixture) issue(assertion string) (Token, error) {
	return f.svc.IssueToken(context.Background(), TokenRequest{ClientAssertion: assertion, Endpoint: testEndpoint})
}

// lastReason is the reason and the detail of the last failed
// authentication.
func (f *assertionFixture) lastReason() (Reason, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.events) - 1; i >= 0; i-- {
		if f.events[i].Kind == EventAuthenticationFail {
			return f.events[i].Reason, f.events[i].Detail
		}
	}
	return "", ""
}

func TestAssertionIssuesATokenThatAuthorizes(t *testing.T) {
	f := newAssertionFixture(t)
	tok, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatalf("IssueToken: %v", err)
	}
	id, err := f.svc.Authorize(context.Background(), tok.AccessToken, Resource{Permission: testPerm})
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if id.KeyID != f.kid || id.SecretID != "" || id.AppSID != f.app.SID {
		t.Errorf("identity names key %q and secret %q, want key %q only", id.KeyID, id.SecretID, f.kid)
	}
	if tok.ExpiresIn != 3600 {
		t.Errorf("expires_in %d, want 3600", tok.ExpiresIn)
	}
	got, err := f.svc.GetApp(context.Background(), f.owner, f.app.SID)
	if err != nil || !got.ClientKeys[0].LastUsed.Equal(f.now) {
		t.Errorf("key LastUsed = %v (%v), want %v", got.ClientKeys[0].LastUsed, err, f.now)
	}
	// The issuer is an audience the assertion may name too.
	c := f.claims()
	c["aud"] = testIssuer
	if _, err := f.issue(f.sign(t, c)); err != nil {
		t.Errorf("an assertion for the issuer: %v", err)
	}
}

func TestBadAssertionsAreRefusedCheaplyAndChangeNothing(t *testing.T) {
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	type tc struct {
		name string
		make func(t *testing.T, f *assertionFixture) string
		// why is the audit event's reason, detail a part of its detail.
		why    Reason
		detail string
		// sigs is the signature verifications the request may cost.
		sigs int64
	}
	with := func(change func(f *assertionFixture, c jwt.MapClaims)) func(t *testing.T, f *assertionFixture) string {
		return func(t *testing.T, f *assertionFixture) string {
			c := f.claims()
			change(f, c)
			return f.sign(t, c)
		}
	}
	cases := []tc{
		{"expired", with(func(f *assertionFixture, c jwt.MapClaims) { c["exp"] = f.now.Add(-time.Minute).Unix() }), ReasonBadAssertion, "expired", 0},
		{"without exp", with(func(f *assertionFixture, c jwt.MapClaims) { delete(c, "exp") }), ReasonBadAssertion, "lacks iss, sub, aud, exp or jti", 0},
		{"not yet valid by nbf", with(func(f *assertionFixture, c jwt.MapClaims) { c["nbf"] = f.now.Add(2 * time.Minute).Unix() }), ReasonBadAssertion, "not valid yet", 0},
		{"issued in the future", with(func(f *assertionFixture, c jwt.MapClaims) { c["iat"] = f.now.Add(2 * time.Minute).Unix() }), ReasonBadAssertion, "not valid yet", 0},
		{"too long-lived", with(func(f *assertionFixture, c jwt.MapClaims) {
			c["exp"] = f.now.Add(DefaultAssertionLifetime + time.Second).Unix()
		}), ReasonBadAssertion, "too long", 0},
		{"for another audience", with(func(f *assertionFixture, c jwt.MapClaims) { c["aud"] = "https://other.example/oauth2/token" }), ReasonBadAssertion, "another audience", 0},
		{"from another issuer", with(func(f *assertionFixture, c jwt.MapClaims) { c["iss"] = newSID(appSIDPrefix) }), ReasonBadAssertion, "iss and sub", 0},
		{"for another subject", with(func(f *assertionFixture, c jwt.MapClaims) { c["sub"] = newSID(appSIDPrefix) }), ReasonBadAssertion, "iss and sub", 0},
		{"exp not a number", with(func(f *assertionFixture, c jwt.MapClaims) { c["exp"] = "tomorrow" }), ReasonBadAssertion, "malformed", 0},
		{"exp far out of range", with(func(f *assertionFixture, c jwt.MapClaims) { c["exp"] = 1e300 }), ReasonBadAssertion, "malformed", 0},
		{"without jti", with(func(f *assertionFixture, c jwt.MapClaims) { delete(c, "jti") }), ReasonBadAssertion, "lacks iss, sub, aud, exp or jti", 0},
		{"with a jti too long to keep", with(func(f *assertionFixture, c jwt.MapClaims) { c["jti"] = strings.Repeat("j", maxAssertionIDLen+1) }), ReasonBadAssertion, "jti longer", 0},
		{"signed with alg none", func(t *testing.T, f *assertionFixture) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodNone, f.claims())
			tok.Header["kid"] = f.kid
			s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}, ReasonBadAssertion, "algorithm", 0},
		{"HS256 keyed by the public key", func(t *testing.T, f *assertionFixture) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, f.claims())
			tok.Header["kid"] = f.kid
			s, err := tok.SignedString([]byte(f.app.ClientKeys[0].PublicKeyPEM))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}, ReasonBadAssertion, "algorithm", 0},
		{"under an unknown kid", func(t *testing.T, f *assertionFixture) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, f.claims())
			tok.Header["kid"] = "no-such-key"
			s, _ := tok.SignedString(f.priv)
			return s
		}, ReasonBadAssertion, "unknown client key", 0},
		{"without a kid, in an alg the app has no key of", func(t *testing.T, f *assertionFixture) string {
			ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			s, _ := jwt.NewWithClaims(jwt.SigningMethodES256, f.claims()).SignedString(ec)
			return s
		}, ReasonBadAssertion, "no kid", 0},
		{"of an unknown client", func(t *testing.T, f *assertionFixture) string {
			c := f.claims()
			other := newSID(appSIDPrefix)
			c["iss"], c["sub"] = other, other
			return f.sign(t, c)
		}, ReasonUnknownClient, "", 0},
		{"oversized", with(func(f *assertionFixture, c jwt.MapClaims) { c["pad"] = strings.Repeat("x", MaxAssertionSize) }), ReasonBadAssertion, "too large", 0},
		{"malformed: not three parts", func(*testing.T, *assertionFixture) string { return "not-a-jwt" }, ReasonBadAssertion, "malformed", 0},
		{"malformed: header not JSON", func(t *testing.T, f *assertionFixture) string {
			s := f.sign(t, f.claims())
			return "bm90IGpzb24" + s[strings.IndexByte(s, '.'):]
		}, ReasonBadAssertion, "malformed", 0},
		{"with a claim given twice", func(t *testing.T, f *assertionFixture) string {
			return f.signJSON(t, f.header(""), f.claimsJSON(t, f.claims(), fmt.Sprintf(`"sub":%q`, f.app.SID)))
		}, ReasonBadAssertion, "malformed", 0},
		{"with a claim named in another case", func(t *testing.T, f *assertionFixture) string {
			return f.signJSON(t, f.header(""), f.claimsJSON(t, f.claims(), `"Exp":1`))
		}, ReasonBadAssertion, "malformed", 0},
		{"with a header member given twice", func(t *testing.T, f *assertionFixture) string {
			return f.signJSON(t, f.header(`"alg":"EdDSA"`), f.claimsJSON(t, f.claims(), ""))
		}, ReasonBadAssertion, "malformed", 0},
		{"with a crit header", func(t *testing.T, f *assertionFixture) string {
			return f.signJSON(t, f.header(`"crit":["exp"],"exp":1`), f.claimsJSON(t, f.claims(), ""))
		}, ReasonBadAssertion, "malformed", 0},
		{"typed as an access token", func(t *testing.T, f *assertionFixture) string {
			return f.signJSON(t, f.header(`"typ":"at+jwt"`), f.claimsJSON(t, f.claims(), ""))
		}, ReasonBadAssertion, "typ", 0},
		{"for an array of audiences holding the endpoint", with(func(f *assertionFixture, c jwt.MapClaims) {
			c["aud"] = []string{"https://attacker-as.example/", testEndpoint}
		}), ReasonBadAssertion, "another audience, or names several", 0},
		{"signed by another key under the kid", func(t *testing.T, f *assertionFixture) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, f.claims())
			tok.Header["kid"] = f.kid
			s, _ := tok.SignedString(otherPriv)
			return s
		}, ReasonBadAssertion, "signature", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newAssertionFixture(t)
			before, err := f.store.GetApp(context.Background(), f.app.SID)
			if err != nil {
				t.Fatal(err)
			}
			assertion := c.make(t, f)
			sigs := verifications(f.priv.Public())
			_, err = f.issue(assertion)
			if !errors.Is(err, ErrInvalidClient) || err.Error() != ErrInvalidClient.Error() {
				t.Fatalf("IssueToken: %v, want exactly ErrInvalidClient", err)
			}
			if why, detail := f.lastReason(); why != c.why || !strings.Contains(detail, c.detail) {
				t.Errorf("audit reason %q, detail %q; want %q with a detail that says %q", why, detail, c.why, c.detail)
			}
			if n := verifications(f.priv.Public()) - sigs; n > c.sigs {
				t.Errorf("%d signature verifications, want at most %d", n, c.sigs)
			}
			after, err := f.store.GetApp(context.Background(), f.app.SID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Version != before.Version || !after.Keys[0].LastUsed.Equal(before.Keys[0].LastUsed) || after.UpdatedAt != before.UpdatedAt {
				t.Errorf("the app changed: %+v, was %+v", after, before)
			}
			if n, _ := f.store.PurgeAssertionIDs(context.Background(), f.now.Add(24*time.Hour)); n != 0 {
				t.Errorf("%d assertion ids recorded, want none", n)
			}
		})
	}
}

func TestAReplayedAssertionFailsAfterOneVerification(t *testing.T) {
	f := newAssertionFixture(t)
	a := f.sign(t, f.claims())
	if _, err := f.issue(a); err != nil {
		t.Fatal(err)
	}
	sigs := verifications(f.priv.Public())
	if _, err := f.issue(a); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("replay: %v, want ErrInvalidClient", err)
	}
	if why, detail := f.lastReason(); why != ReasonBadAssertion || !strings.Contains(detail, "replayed") {
		t.Errorf("audit reason %q, detail %q; want %q, replayed", why, detail, ReasonBadAssertion)
	}
	if n := verifications(f.priv.Public()) - sigs; n != 1 {
		t.Errorf("replay cost %d signature verifications, want 1", n)
	}
	// Still refused just before its record runs out, which is after the
	// assertion's exp and the leeway given to exp.
	f.now = f.now.Add(time.Minute + token.DefaultLeeway - time.Second)
	if _, err := f.issue(a); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("replay inside the leeway: %v, want ErrInvalidClient", err)
	}
	if p, _ := f.svc.Purge(context.Background()); p.Assertions != 0 {
		t.Errorf("Purge removed %d live assertion records", p.Assertions)
	}
	f.now = f.now.Add(time.Hour)
	if p, _ := f.svc.Purge(context.Background()); p.Assertions != 1 {
		t.Errorf("Purge removed %d assertion records, want the 1 expired record", p.Assertions)
	}
}

func TestClientIDParameterMustMatchTheAssertion(t *testing.T) {
	f := newAssertionFixture(t)
	_, err := f.svc.IssueToken(context.Background(), TokenRequest{ClientID: newSID(appSIDPrefix), ClientAssertion: f.sign(t, f.claims()), Endpoint: testEndpoint})
	if !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("IssueToken: %v, want ErrInvalidClient", err)
	}
	_, err = f.svc.IssueToken(context.Background(), TokenRequest{ClientID: f.app.SID, ClientAssertion: f.sign(t, f.claims()), Endpoint: testEndpoint})
	if err != nil {
		t.Fatalf("IssueToken with the matching client_id: %v", err)
	}
}

func TestRemovingTheKeyStopsItsAssertionsAndTokens(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	tok, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	pending := f.sign(t, f.claims())
	if _, err := f.svc.RemoveClientKey(ctx, f.owner, f.app.SID, f.kid, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authorize(ctx, tok.AccessToken, Resource{Permission: testPerm}); !errors.Is(err, ErrClientKeyRemoved) || !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Authorize after the key's removal: %v, want ErrInvalidToken wrapping ErrClientKeyRemoved", err)
	}
	if _, err := f.issue(pending); !errors.Is(err, ErrInvalidClient) {
		t.Errorf("an assertion of the removed key: %v, want ErrInvalidClient", err)
	}
}

func TestDeletingTheAppStopsItsKeyTokens(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	tok, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteApp(ctx, f.owner, f.app.SID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authorize(ctx, tok.AccessToken, Resource{Permission: testPerm}); !errors.Is(err, ErrAppDeleted) {
		t.Errorf("Authorize after delete: %v, want ErrAppDeleted", err)
	}
	if _, err := f.issue(f.sign(t, f.claims())); !errors.Is(err, ErrInvalidClient) {
		t.Errorf("an assertion of the deleted app: %v, want ErrInvalidClient", err)
	}
}

func TestAKeysOnlyAppRefusesSecretsAtTheCostOfOneHash(t *testing.T) {
	f := newAssertionFixture(t)
	_, err := f.svc.AuthenticateClient(context.Background(), f.app.SID, "oqcs_aaaaaaaa_"+strings.Repeat("a", 63), "")
	if !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("a secret for a keys-only app: %v, want ErrInvalidClient", err)
	}
	if len(f.app.Secrets) != 0 {
		t.Errorf("a NoSecret app shows secrets %v", f.app.Secrets)
	}
	// RotateSecret gives it its first one.
	app, sec, err := f.svc.RotateSecret(context.Background(), f.owner, f.app.SID, Rotation{})
	if err != nil || len(app.Secrets) != 1 {
		t.Fatalf("RotateSecret: %v, secrets %v", err, app.Secrets)
	}
	if _, err := f.svc.AuthenticateClient(context.Background(), f.app.SID, sec.Reveal(), ""); err != nil {
		t.Errorf("the new secret: %v", err)
	}
}

func TestAnES256KeyAuthenticates(t *testing.T) {
	f := newAssertionFixture(t)
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	app, err := f.svc.AddClientKey(context.Background(), f.owner, f.app.SID, NewClientKey{ID: "ec-1", PublicKeyPEM: publicPEM(t, &priv.PublicKey)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if k := app.ClientKeys[1]; k.ID != "ec-1" || k.Algorithm != "ES256" {
		t.Fatalf("added key %+v", k)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, f.claims())
	tok.Header["kid"] = "ec-1"
	s, _ := tok.SignedString(priv)
	if _, err := f.issue(s); err != nil {
		t.Fatalf("an ES256 assertion: %v", err)
	}
}

func TestAssertionLifetimeIsConfigurable(t *testing.T) {
	f := newAssertionFixture(t, WithAssertionLifetime(30*time.Second))
	c := f.claims() // exp one minute ahead
	if _, err := f.issue(f.sign(t, c)); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("an assertion living 1m under a 30s bound: %v, want ErrInvalidClient", err)
	}
	c = f.claims()
	c["exp"] = f.now.Add(20 * time.Second).Unix()
	if _, err := f.issue(f.sign(t, c)); err != nil {
		t.Fatalf("an assertion living 20s: %v", err)
	}
}

func TestObserverHearsOfBadAssertionsAndRemovedKeys(t *testing.T) {
	var failures []Reason
	var denials []Reason
	f := newAssertionFixture(t, WithObserver(Observer{
		AuthenticationFailed: func(_ context.Context, r Reason) { failures = append(failures, r) },
		Authorization: func(ctx context.Context) (context.Context, func(AuthorizationOutcome)) {
			return ctx, func(o AuthorizationOutcome) { denials = append(denials, o.Reason) }
		},
	}))
	c := f.claims()
	c["exp"] = f.now.Add(-time.Minute).Unix()
	if _, err := f.issue(f.sign(t, c)); !errors.Is(err, ErrInvalidClient) {
		t.Fatal(err)
	}
	if len(failures) != 1 || failures[0] != ReasonBadAssertion {
		t.Errorf("failures %v, want [%s]", failures, ReasonBadAssertion)
	}
	tok, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RemoveClientKey(context.Background(), f.owner, f.app.SID, f.kid, 0); err != nil {
		t.Fatal(err)
	}
	_, _ = f.svc.Authorize(context.Background(), tok.AccessToken, Resource{Permission: testPerm})
	if len(denials) != 1 || denials[0] != ReasonClientKeyRemoved {
		t.Errorf("denials %v, want [%s]", denials, ReasonClientKeyRemoved)
	}
}
