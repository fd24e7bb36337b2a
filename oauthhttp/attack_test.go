package oauthhttp_test

import (
	"crypto/ed25519"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/token"
)

// target is what an attack case works on: a fresh stack with one app
// allowed to list and read messages, and that app's secret.
type target struct {
	st   *stack
	app  oauthapp.App
	sec  string
	path string // the app's own list route
}

// attack is one hostile request and the exact answer it must get.
type attack struct {
	name   string
	send   func(t *testing.T, tg *target) answer
	status int
	code   string // the JSON "error" member; "" for a bare 401 challenge
}

// TestAttacks sends every attack to a full stack over loopback HTTP. Each
// gets the exact status and OAuth error code of the package
// documentation; none gets a 2xx, and the protected handler never runs
// for any of them.
func TestAttacks(t *testing.T) {
	var cases []attack
	cases = append(cases, forgedTokenAttacks()...)
	cases = append(cases, stolenTokenAttacks()...)
	cases = append(cases, accountAttacks()...)
	cases = append(cases, tokenEndpointAttacks()...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := newTarget(t)
			a := tc.send(t, tg)
			if a.status >= 200 && a.status < 300 {
				t.Fatalf("attack succeeded: %d %s", a.status, a.body)
			}
			if a.status != tc.status || a.code() != tc.code {
				t.Fatalf("answer %d %q (%s), want %d %q", a.status, a.code(), a.body, tc.status, tc.code)
			}
			if tc.code == oauthhttp.CodeInvalidToken {
				if got := a.header.Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
					t.Errorf("WWW-Authenticate %q lacks invalid_token", got)
				}
			}
			if a.header.Get(servedHeader) != "" {
				t.Errorf("the protected handler ran for the attack")
			}
		})
	}
}

func newTarget(t *testing.T) *target {
	st := newStack(t, nil, stackConfig{})
	app := st.kit.NewApp(permList, permRead)
	return &target{st: st, app: app, sec: st.kit.Secret(app.SID), path: messages(app.AccountSID)}
}

// token gets a real token of the target's app and checks that it works on
// the app's own route: the attack that follows is refused for what the
// attacker changed, not because the setup was broken.
func (tg *target) token(t *testing.T, scope string) string {
	t.Helper()
	tok := tg.st.issue(t, tg.app.SID, tg.sec, scope)
	if a := tg.st.get(t, tg.path, tok); a.status != http.StatusOK && scope == "" {
		t.Fatalf("control: a fresh token gets %d %s", a.status, a.body)
	}
	return tok
}

// getWith sends a token made by forge from a real one to the app's route.
func getWith(forge func(t *testing.T, tg *target, real string) string) func(*testing.T, *target) answer {
	return func(t *testing.T, tg *target) answer {
		return tg.st.get(t, tg.path, forge(t, tg, tg.token(t, "")))
	}
}

// forgedTokenAttacks are tokens an attacker made or changed. Its length
// is its list of cases, one short entry per forgery.
func forgedTokenAttacks() []attack {
	bad := func(name string, forge func(t *testing.T, tg *target, real string) string) attack {
		return attack{name: name, send: getWith(forge), status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidToken}
	}
	return []attack{
		bad("alg none with the real kid and no signature is refused", func(t *testing.T, tg *target, real string) string {
			return compact(header("none", kidOf(tg)), payload(t, real), "")
		}),
		bad("alg none without a kid is refused", func(t *testing.T, tg *target, real string) string {
			return compact(`{"alg":"none","typ":"at+jwt"}`, payload(t, real), "")
		}),
		bad("HS256 keyed with the raw Ed25519 public key is refused", func(t *testing.T, tg *target, real string) string {
			pub := tg.st.kit.Keys.SigningKey().PublicKey().(ed25519.PublicKey)
			return hs256(header("HS256", kidOf(tg)), payload(t, real), pub)
		}),
		bad("HS256 keyed with the PEM public key is refused", func(t *testing.T, tg *target, real string) string {
			pem, err := tg.st.kit.Keys.SigningKey().MarshalPublicKeyPEM()
			if err != nil {
				t.Fatal(err)
			}
			return hs256(header("HS256", kidOf(tg)), payload(t, real), pem)
		}),
		bad("a token signed by a key of unknown kid is refused", func(t *testing.T, tg *target, real string) string {
			other, err := token.GenerateKey(token.EdDSA)
			if err != nil {
				t.Fatal(err)
			}
			return mintWith(t, tg, other, tg.st.kit.Clock.Now())
		}),
		bad("a token re-signed with another key under the real kid is refused", func(t *testing.T, tg *target, real string) string {
			return tg.st.kit.ForeignKeyToken(tg.app)
		}),
		bad("a real signature over a payload with a widened scope is refused", func(t *testing.T, tg *target, _ string) string {
			// The token grants list only; the app's policy allows read
			// too, so only the signature stands between the forged
			// scope and the read route.
			narrow := tg.token(t, permList)
			return tamper(t, narrow, "scope", permList+" "+permRead)
		}),
		bad("a real signature over a payload naming another account is refused", func(t *testing.T, tg *target, real string) string {
			return tamper(t, real, "account_sid", oauthapptest.NewSID("AC"))
		}),
		bad("a real signature over a payload with a later exp is refused", func(t *testing.T, tg *target, real string) string {
			tg.st.kit.Advance(2 * time.Hour)
			return tamper(t, real, "exp", tg.st.kit.Clock.Now().Add(time.Hour).Unix())
		}),
		bad("a token with its signature stripped is refused", func(t *testing.T, tg *target, real string) string {
			return real[:strings.LastIndexByte(real, '.')+1]
		}),
		bad("a token at its exact expiry is refused", func(t *testing.T, tg *target, real string) string {
			tg.st.kit.Advance(time.Hour)
			return real
		}),
		bad("a token one hour and a second old is refused", func(t *testing.T, tg *target, real string) string {
			tg.st.kit.Advance(time.Hour + time.Second)
			return real
		}),
		bad("a validly signed token issued beyond the clock-skew leeway is refused", func(t *testing.T, tg *target, real string) string {
			future := tg.st.kit.Clock.Now().Add(token.DefaultLeeway + time.Second)
			return mintWith(t, tg, tg.st.kit.Keys.SigningKey(), future)
		}),
	}
}

// stolenTokenAttacks are real tokens used where or when they must not
// work. Its length is its list of cases, one short entry per misuse.
func stolenTokenAttacks() []attack {
	return []attack{
		{name: "a token replayed after its app was deleted is refused", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidToken,
			send: func(t *testing.T, tg *target) answer {
				tok := tg.token(t, "")
				if err := tg.st.kit.Service.DeleteApp(ctx, tg.st.kit.Owner, tg.app.SID, 0); err != nil {
					t.Fatal(err)
				}
				return tg.st.get(t, tg.path, tok)
			}},
		{name: "a token replayed after a grace-0 rotation killed its secret is refused", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidToken,
			send: func(t *testing.T, tg *target) answer {
				tok := tg.token(t, "")
				tg.st.kit.Rotate(tg.app.SID, 0)
				return tg.st.get(t, tg.path, tok)
			}},
		{name: "a token replayed after its client revoked it is refused", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidToken,
			send: func(t *testing.T, tg *target) answer {
				tok := tg.token(t, "")
				rv := tg.st.post(t, oauthhttp.RevocationPath, "token="+url.QueryEscape(tok), basic(tg.app.SID, tg.sec))
				if rv.status != http.StatusOK {
					t.Fatalf("revocation: %d %s", rv.status, rv.body)
				}
				return tg.st.get(t, tg.path, tok)
			}},
		{name: "a secret killed by a grace-0 rotation gets no token", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidClient,
			send: func(t *testing.T, tg *target) answer {
				tg.st.kit.Rotate(tg.app.SID, 0)
				return tg.st.post(t, oauthhttp.TokenPath, "grant_type=client_credentials", basic(tg.app.SID, tg.sec))
			}},
		{name: "the previous secret at grace + 1ns gets no token", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidClient,
			send: func(t *testing.T, tg *target) answer {
				const grace = 6 * time.Hour
				tg.st.kit.Rotate(tg.app.SID, grace)
				// Controls: a token while a minute is left (the last one it
				// gets: a token never outlives its secret, nor lives under a
				// minute), and the secret itself 1 ns before the end.
				tg.st.kit.Advance(grace - time.Minute)
				tg.st.issue(t, tg.app.SID, tg.sec, "")
				tg.st.kit.Advance(time.Minute - time.Nanosecond)
				if _, err := tg.st.kit.Service.AuthenticateClient(ctx, tg.app.SID, tg.sec, ""); err != nil {
					t.Fatalf("1 ns before the grace ends the secret should still authenticate: %v", err)
				}
				tg.st.kit.Advance(2 * time.Nanosecond)
				return tg.st.post(t, oauthhttp.TokenPath, "grant_type=client_credentials", basic(tg.app.SID, tg.sec))
			}},
		{name: "a secret of a deleted app gets no token", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidClient,
			send: func(t *testing.T, tg *target) answer {
				if err := tg.st.kit.Service.DeleteApp(ctx, tg.st.kit.Owner, tg.app.SID, 0); err != nil {
					t.Fatal(err)
				}
				return tg.st.post(t, oauthhttp.TokenPath, "grant_type=client_credentials", basic(tg.app.SID, tg.sec))
			}},
		{name: "another client's secret does not authenticate this client id", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidClient,
			send: func(t *testing.T, tg *target) answer {
				other := tg.st.kit.NewApp(permList)
				return tg.st.post(t, oauthhttp.TokenPath, "grant_type=client_credentials", basic(tg.app.SID, tg.st.kit.Secret(other.SID)))
			}},
		{name: "a bearer token in the query string is not read", status: http.StatusUnauthorized, code: "",
			send: func(t *testing.T, tg *target) answer {
				return tg.st.get(t, tg.path+"?access_token="+url.QueryEscape(tg.token(t, "")), "")
			}},
	}
}

func accountAttacks() []attack {
	wrongAccount := func(name string, otherAccount func(tg *target) string) attack {
		return attack{name: name, status: http.StatusForbidden, code: oauthhttp.CodeInsufficientScope,
			send: func(t *testing.T, tg *target) answer {
				return tg.st.get(t, messages(otherAccount(tg)), tg.token(t, ""))
			}}
	}
	return []attack{
		wrongAccount("a token on another account's route is refused", func(tg *target) string {
			other := oauthapptest.NewActor(oauthapp.RoleOwner)
			tg.st.kit.NewAppFor(other, permList) // the other account is real
			return other.AccountSID
		}),
		// The library keeps no account hierarchy: a subaccount is an
		// account of its own, and a parent's token never reaches it.
		wrongAccount("a parent account's token on its subaccount's route is refused", func(tg *target) string {
			return oauthapptest.NewSID("AC")
		}),
		{name: "a subaccount's token on its parent's route is refused", status: http.StatusForbidden, code: oauthhttp.CodeInsufficientScope,
			send: func(t *testing.T, tg *target) answer {
				sub := oauthapptest.NewActor(oauthapp.RoleOwner)
				subApp := tg.st.kit.NewAppFor(sub, permList, permRead)
				tok := tg.st.issue(t, subApp.SID, tg.st.kit.Secret(subApp.SID), "")
				return tg.st.get(t, tg.path, tok)
			}},
		{name: "a token without the route's permission is refused", status: http.StatusForbidden, code: oauthhttp.CodeInsufficientScope,
			send: func(t *testing.T, tg *target) answer {
				return tg.st.get(t, tg.path+"/MM0123", tg.token(t, permList))
			}},
	}
}

// tokenEndpointAttacks are hostile token requests. Its length is its
// list of cases, one line or two per request.
func tokenEndpointAttacks() []attack {
	post := func(name, body string, auth func(tg *target) string, status int, code string) attack {
		return attack{name: name, status: status, code: code, send: func(t *testing.T, tg *target) answer {
			return tg.st.post(t, oauthhttp.TokenPath, strings.NewReplacer("{ID}", tg.app.SID, "{SECRET}", url.QueryEscape(tg.sec)).Replace(body), auth(tg))
		}}
	}
	basicAuth := func(tg *target) string { return basic(tg.app.SID, tg.sec) }
	noAuth := func(*target) string { return "" }
	const cc = "grant_type=client_credentials"
	return []attack{
		post("a repeated grant_type is invalid_request", cc+"&"+cc, basicAuth, http.StatusBadRequest, oauthhttp.CodeInvalidRequest),
		post("grant_type repeated with another value is invalid_request", cc+"&grant_type=password", basicAuth, http.StatusBadRequest, oauthhttp.CodeInvalidRequest),
		post("a repeated client_secret is invalid_request", cc+"&client_id={ID}&client_secret={SECRET}&client_secret={SECRET}", noAuth, http.StatusBadRequest, oauthhttp.CodeInvalidRequest),
		post("a repeated scope is invalid_request", cc+"&scope=a&scope=b", basicAuth, http.StatusBadRequest, oauthhttp.CodeInvalidRequest),
		post("Basic and client_secret together are invalid_request", cc+"&client_id={ID}&client_secret={SECRET}", basicAuth, http.StatusBadRequest, oauthhttp.CodeInvalidRequest),
		post("a body client_id other than the Basic one is invalid_request", cc+"&client_id=OQ00000000000000000000000000000000", basicAuth, http.StatusBadRequest, oauthhttp.CodeInvalidRequest),
		post("a grant other than client_credentials is unsupported_grant_type", "grant_type=password&username=a&password=b", basicAuth, http.StatusBadRequest, oauthhttp.CodeUnsupportedGrantType),
		post("a scope beyond the policy is invalid_scope", cc+"&scope="+url.QueryEscape(permCreate), basicAuth, http.StatusBadRequest, oauthhttp.CodeInvalidScope),
		post("a wildcard scope is invalid_scope", cc+"&scope="+url.QueryEscape("/demo/messaging/*"), basicAuth, http.StatusBadRequest, oauthhttp.CodeInvalidScope),
		{name: "an oversized body is invalid_request", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				pad := "&x=" + strings.Repeat("a", oauthhttp.DefaultMaxBodyBytes)
				return tg.st.post(t, oauthhttp.TokenPath, cc+pad, basic(tg.app.SID, tg.sec))
			}},
		{name: "an oversized body sent chunked, without a length, is invalid_request", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				body := strings.NewReader(cc + "&x=" + strings.Repeat("a", oauthhttp.DefaultMaxBodyBytes))
				r, _ := http.NewRequest(http.MethodPost, tg.st.ts.URL+oauthhttp.TokenPath, struct{ *strings.Reader }{body})
				r.ContentLength = -1
				r.Header.Set("Content-Type", formType)
				r.Header.Set("Authorization", basic(tg.app.SID, tg.sec))
				return tg.st.do(t, r)
			}},
		{name: "a JSON body is invalid_request", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				return tg.st.send(t, http.MethodPost, "application/json", `{"grant_type":"client_credentials"}`, basic(tg.app.SID, tg.sec))
			}},
		{name: "a form sent as multipart is invalid_request", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				return tg.st.send(t, http.MethodPost, "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--\r\n", basic(tg.app.SID, tg.sec))
			}},
		{name: "two Content-Type headers are invalid_request", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				r, _ := http.NewRequest(http.MethodPost, tg.st.ts.URL+oauthhttp.TokenPath, strings.NewReader(cc))
				r.Header["Content-Type"] = []string{formType, formType}
				r.Header.Set("Authorization", basic(tg.app.SID, tg.sec))
				return tg.st.do(t, r)
			}},
		{name: "two Authorization headers are invalid_request", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				r, _ := http.NewRequest(http.MethodPost, tg.st.ts.URL+oauthhttp.TokenPath, strings.NewReader(cc))
				r.Header.Set("Content-Type", formType)
				r.Header["Authorization"] = []string{basic(tg.app.SID, tg.sec), basic(tg.app.SID, tg.sec)}
				return tg.st.do(t, r)
			}},
		{name: "parameters in the query string are not read", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				return tg.st.post(t, oauthhttp.TokenPath+"?"+cc, "", basic(tg.app.SID, tg.sec))
			}},
		{name: "a GET with the parameters in the query is invalid_request", status: http.StatusBadRequest, code: oauthhttp.CodeInvalidRequest,
			send: func(t *testing.T, tg *target) answer {
				r, _ := http.NewRequest(http.MethodGet, tg.st.ts.URL+oauthhttp.TokenPath+"?"+cc, nil)
				r.Header.Set("Authorization", basic(tg.app.SID, tg.sec))
				return tg.st.do(t, r)
			}},
		{name: "a client_id with a smuggled second pair is invalid_client", status: http.StatusUnauthorized, code: oauthhttp.CodeInvalidClient,
			send: func(t *testing.T, tg *target) answer {
				return tg.st.post(t, oauthhttp.TokenPath, cc+"&client_id="+url.QueryEscape(tg.app.SID+"&client_secret="+tg.sec), "")
			}},
	}
}
