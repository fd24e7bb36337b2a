package oauthhttp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// longestEcho is the most consecutive bytes of one input that an error,
// an answer, a log line or an audit event may repeat: errors quote at most
// 24 bytes of outside input, and a client secret is 77.
const longestEcho = 24

// echoes reports whether text holds more than longestEcho consecutive
// bytes of s.
func echoes(text, s string) bool {
	for i := 0; i+longestEcho < len(s); i++ {
		if strings.Contains(text, s[i:i+longestEcho+1]) {
			return true
		}
	}
	return false
}

// echoRecorder keeps everything said to the outside, with where it came
// from.
type echoRecorder struct {
	mu    sync.Mutex
	logs  bytes.Buffer
	said  []string
	where []string
	errs  int
}

func (r *echoRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.Write(p)
}

func (r *echoRecorder) say(where, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.said = append(r.said, text)
	r.where = append(r.where, where)
}

// err records an error in every form a caller may print or serialize it.
func (r *echoRecorder) err(where string, err error) {
	if err == nil {
		return
	}
	j, _ := json.Marshal(err)
	r.say(where, fmt.Sprintf("%v | %+v | %#v | %s", err, err, err, j))
	r.mu.Lock()
	r.errs++
	r.mu.Unlock()
}

func (r *echoRecorder) audit(_ context.Context, e oauthapp.Event) {
	j, _ := json.Marshal(e)
	r.say("audit event "+string(e.Kind), fmt.Sprintf("%+v %s", e, j))
}

// withEach calls set once for every string or []string field of a copy of
// base, with that field holding s, and returns the copies.
func withEach[T any](base T, s string) map[string]T {
	out := map[string]T{}
	v := reflect.ValueOf(base)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		switch f.Type {
		case reflect.TypeFor[string]():
			c.Field(i).SetString(s)
		case reflect.TypeFor[[]string]():
			c.Field(i).Set(reflect.ValueOf([]string{s}))
		default:
			continue
		}
		out[f.Name] = c.Interface().(T)
	}
	return out
}

// jws is an unsigned compact JWS of the given header and claims, for
// tokens whose every field is attacker text.
func jws(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + ".c2ln"
}

// TestNoErrorEchoesASecret sends a valid client secret, of a live app, in
// place of every other input: each field of IssueToken's request,
// AuthenticateClient's client id and region, Authorize's token and
// resource, introspection and revocation, app management, every parser of
// outside input, and every parameter and header of the HTTP endpoints.
// No error (in any form a caller prints or serializes it), answer, log
// line or audit event may hold more than longestEcho bytes of it in a row:
// enough to say what was wrong, too little to rebuild the secret.
func TestNoErrorEchoesASecret(t *testing.T) {
	e := newEchoCase(t)
	e.callService()
	e.callManagement()
	e.callParsers(t)
	e.callEndpoints()
	e.check(t)
}

// echoCase is what TestNoErrorEchoesASecret works on: a service and its
// HTTP face that record every error, answer, log line and audit event, a
// live app, its secret s, the secret with a typo, a token of the app, and
// tokens forged around the secret.
type echoCase struct {
	rec     *echoRecorder
	catalog *scope.Catalog
	svc     *oauthapp.Service
	srv     *oauthhttp.Server
	owner   oauthapp.Actor
	app     oauthapp.App
	s, typo string
	client  oauthapp.Client
	tok     oauthapp.Token
	forged  []string
}

// newEchoCase sets up the service, the app, its secret and token, and the
// forged tokens.
func newEchoCase(t *testing.T) *echoCase {
	t.Helper()
	rec := &echoRecorder{}
	logger := slog.New(slog.NewJSONHandler(rec, &slog.HandlerOptions{Level: slog.LevelDebug}))
	key, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := scope.NewCatalog(routes)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuer(issuer), oauthapp.WithCatalog(catalog),
		oauthapp.WithLogger(logger), oauthapp.WithAudit(rec.audit))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := oauthhttp.New(svc, oauthhttp.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	owner := oauthapp.Actor{
		UserSID:    oauthapptest.NewSID("US"),
		AccountSID: oauthapptest.NewSID("AC"),
		Role:       oauthapp.RoleOwner,
	}
	app, sec, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "echo", Permissions: oauthapp.Permissions{Allow: []string{permList, permRead}}})
	if err != nil {
		t.Fatal(err)
	}
	s := sec.Reveal()
	// The secret with its last character changed: 'a' unless it already
	// ends in 'a'.
	last := byte('a')
	if s[len(s)-1] == last {
		last = 'b'
	}
	typo := s[:len(s)-1] + string(last)
	client, err := svc.AuthenticateClient(ctx, app.SID, s, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: s})
	if err != nil {
		t.Fatal(err)
	}
	forged := forgedAround(s, key.ID())
	return &echoCase{rec: rec, catalog: catalog, svc: svc, srv: srv, owner: owner, app: app,
		s: s, typo: typo, client: client, tok: tok, forged: forged}
}

// forgedAround returns tokens whose header and claims are the secret s,
// some of them naming the signing key kid.
func forgedAround(s, kid string) []string {
	return []string{
		s,
		s + "." + s + "." + s,
		jws(map[string]any{"alg": s, "kid": s, "typ": "at+jwt"}, map[string]any{"iss": s}),
		jws(map[string]any{"alg": "EdDSA", "kid": kid, "typ": s}, map[string]any{"iss": s, "aud": s, "sub": s, "client_id": s, "scope": s}),
		jws(map[string]any{"alg": "EdDSA", "kid": s, "typ": "at+jwt"}, map[string]any{"iss": issuer}),
		jws(map[string]any{"alg": "EdDSA", "kid": kid, "typ": "at+jwt", s: s}, map[string]any{"iss": issuer, s: s}),
	}
}

// callService sends the secret in place of each input of the service's
// token, authentication and authorization calls.
func (e *echoCase) callService() {
	rec, svc, app, s, typo, client, tok, forged := e.rec, e.svc, e.app, e.s, e.typo, e.client, e.tok, e.forged
	var err error
	for _, c := range []struct{ id, sec, region string }{{s, s, ""}, {app.SID, s, s}, {s, "x", ""}, {app.SID, typo, ""}, {app.SID, s + "x", ""}, {app.SID, "x" + s, ""}} {
		_, err := svc.AuthenticateClient(ctx, c.id, c.sec, c.region)
		rec.err(fmt.Sprintf("AuthenticateClient(%.8q, %.8q, %.8q)", c.id, c.sec, c.region), err)
	}
	for name, req := range withEach(oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: s}, s) {
		_, err := svc.IssueToken(ctx, req)
		rec.err("IssueToken with the secret as "+name, err)
	}
	for name, req := range withEach(oauthapp.TokenRequest{}, s) {
		_, err := svc.IssueToken(ctx, req)
		rec.err("IssueToken with only "+name, err)
	}
	for _, sc := range []string{permList + " " + s, "/demo/" + s, s + "/*", "/demo/messaging/messages/" + s} {
		_, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: s, Scope: sc})
		rec.err("IssueToken with scope around the secret", err)
	}
	for name, res := range withEach(oauthapp.Resource{Permission: permList, AccountSID: app.AccountSID}, s) {
		_, err := svc.Authorize(ctx, tok.AccessToken, res)
		rec.err("Authorize with the secret as "+name, err)
	}
	// A route resolved through the catalog, as a host without Protect
	// does: the secret as the method, then as the account in the path.
	_, err = svc.Metadata().Catalog.Resolve(s, "/v1/Accounts/"+s+"/Messages")
	rec.err("Catalog.Resolve with the secret as the method", err)
	m, err := svc.Metadata().Catalog.Resolve("GET", "/v1/Accounts/"+s+"/Messages")
	rec.err("Catalog.Resolve with the secret as the account", err)
	_, err = svc.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: m.Permission, AccountSID: m.Param(oauthapp.AccountParam)})
	rec.err("Authorize for the route with the secret as the account", err)
	for i, f := range forged {
		_, err := svc.Authorize(ctx, f, oauthapp.Resource{Permission: permList, AccountSID: app.AccountSID})
		rec.err(fmt.Sprintf("Authorize forged token %d", i), err)
		_, _, err = svc.Introspect(ctx, client, f)
		rec.err(fmt.Sprintf("Introspect forged token %d", i), err)
		rec.err(fmt.Sprintf("Revoke forged token %d", i), svc.Revoke(ctx, client, f))
	}

}

// callManagement sends the secret in place of each input of app
// management.
func (e *echoCase) callManagement() {
	rec, svc, owner, app, s := e.rec, e.svc, e.owner, e.app, e.s
	var err error
	for name, n := range withEach(oauthapp.NewApp{FriendlyName: "echo", Permissions: oauthapp.Permissions{Allow: []string{permList}}}, s) {
		_, _, err := svc.CreateApp(ctx, owner, n)
		rec.err("CreateApp with the secret as "+name, err)
	}
	for name, p := range withEach(oauthapp.Permissions{Allow: []string{permList}}, s) {
		_, _, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "echo", Permissions: p})
		rec.err("CreateApp with the secret in "+name, err)
		_, err = svc.UpdateApp(ctx, owner, app.SID, oauthapp.AppUpdate{Permissions: &p})
		rec.err("UpdateApp with the secret in "+name, err)
	}
	for name, a := range withEach(owner, s) {
		_, err := svc.GetApp(ctx, a, app.SID)
		rec.err("GetApp by an actor with the secret as "+name, err)
	}
	_, err = svc.GetApp(ctx, owner, s)
	rec.err("GetApp", err)
	_, err = svc.ListApps(ctx, owner, s, 10)
	rec.err("ListApps", err)
	_, _, err = svc.RotateSecret(ctx, owner, s, oauthapp.Rotation{})
	rec.err("RotateSecret", err)
	rec.err("DeleteApp", svc.DeleteApp(ctx, owner, s, 0))

}

// callParsers gives the secret, whole and around other text, to every
// parser of outside input.
func (e *echoCase) callParsers(t *testing.T) {
	t.Helper()
	rec, catalog, s, typo := e.rec, e.catalog, e.s, e.typo
	for _, in := range []string{s, typo, s + "x", "x" + s, permList + " " + s, "/" + s, s + "/*", "/demo/messaging/" + s + "/read"} {
		_, err := scope.ParsePermission(in)
		rec.err("scope.ParsePermission", err)
		_, err = scope.ParseGrant(in)
		rec.err("scope.ParseGrant", err)
		_, err = scope.ParseScope(in)
		rec.err("scope.ParseScope", err)
		_, err = scope.ParseGrantScope(in)
		rec.err("scope.ParseGrantScope", err)
		_, err = scope.NewPolicy([]string{in}, nil)
		rec.err("scope.NewPolicy allow", err)
		_, err = scope.NewPolicy([]string{permList}, []string{in})
		rec.err("scope.NewPolicy deny", err)
		j, _ := json.Marshal(map[string][]string{"allow": {in}})
		_, err = scope.ParsePolicyJSON(j)
		rec.err("scope.ParsePolicyJSON", err)
		_, err = scope.ParsePolicyJSON([]byte(in))
		rec.err("scope.ParsePolicyJSON raw", err)
		_, err = scope.ParsePolicyJSON([]byte(`{"` + in + `":[]}`))
		rec.err("scope.ParsePolicyJSON key", err)
		_, err = catalog.Resolve("GET", "/v1/Accounts/"+in+"/Messages/"+in)
		rec.err("scope.Catalog.Resolve", err)
		_, err = secret.Parse(in)
		rec.err("secret.Parse", err)
		_, err = oauthapp.ParseAppSID(in)
		rec.err("oauthapp.ParseAppSID", err)
		_, err = oauthapp.ParseAccountSID(in)
		rec.err("oauthapp.ParseAccountSID", err)
		_, err = oauthapp.ParseUserSID(in)
		rec.err("oauthapp.ParseUserSID", err)
	}
	policy, err := scope.NewPolicy([]string{permList}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{s, "/demo/" + s} {
		_, err = policy.Narrow([]string{in})
		rec.err("scope.Policy.Narrow", err)
	}

}

// check fails the test unless enough errors were provoked and none of
// them, and no answer, event or log line, repeats the secret.
func (e *echoCase) check(t *testing.T) {
	t.Helper()
	rec, s := e.rec, e.s
	// The test must have provoked errors, or their silence proves nothing.
	if rec.errs < 100 {
		t.Fatalf("only %d errors recorded: the test did not run as meant", rec.errs)
	}
	scopeErr := false
	for _, text := range rec.said {
		scopeErr = scopeErr || strings.Contains(text, `"/demo/`)
	}
	if !scopeErr {
		t.Error(`no error quoted a part of a bad scope ("/demo/...): the cut quotes were not exercised`)
	}
	for i, text := range rec.said {
		if echoes(text, s) {
			t.Errorf("%s repeats more than %d bytes of the secret: %s", rec.where[i], longestEcho, text)
		}
	}
	for _, line := range strings.Split(rec.logs.String(), "\n") {
		if echoes(line, s) {
			t.Errorf("a log line repeats more than %d bytes of the secret: %s", longestEcho, line)
		}
	}
	t.Logf("checked %d errors, %d answers and events, %d log lines", rec.errs, len(rec.said)-rec.errs, strings.Count(rec.logs.String(), "\n"))
}
