package oauthapp

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestAResourceBecomesTheTokenAudience(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	tok, err := f.svc.IssueToken(ctx, TokenRequest{ClientAssertion: f.sign(t, f.claims()), Endpoint: testEndpoint, Resource: testResource})
	if err != nil {
		t.Fatalf("IssueToken: %v", err)
	}
	id, err := f.svc.Authorize(ctx, tok.AccessToken, Resource{Permission: testPerm, Audience: testResource})
	if err != nil {
		t.Fatalf("Authorize for the resource: %v", err)
	}
	if !slices.Equal(id.Audience, []string{testResource}) {
		t.Errorf("identity audience %q, want %q", id.Audience, testResource)
	}
	if _, err := f.svc.Authorize(ctx, tok.AccessToken, Resource{Permission: testPerm}); !errors.Is(err, ErrWrongAudience) || !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Authorize for the service's audience: %v, want ErrInvalidToken wrapping ErrWrongAudience", err)
	}
	// Without a resource: the service's audience, as before.
	plain, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	if id, err := f.svc.Authorize(ctx, plain.AccessToken, Resource{Permission: testPerm}); err != nil || !slices.Equal(id.Audience, []string{DefaultAudience}) {
		t.Errorf("Authorize a token without resource: %v, audience %q", err, id.Audience)
	}
	if _, err := f.svc.Authorize(ctx, plain.AccessToken, Resource{Permission: testPerm, Audience: testResource}); !errors.Is(err, ErrWrongAudience) {
		t.Errorf("Authorize a default token for the resource: %v, want ErrWrongAudience", err)
	}
	// Introspection reports the audience.
	client := Client{appSID: f.app.SID}
	if id, active, err := f.svc.Introspect(ctx, client, tok.AccessToken); err != nil || !active || !slices.Equal(id.Audience, []string{testResource}) {
		t.Errorf("Introspect: %v, active %v, audience %q", err, active, id.Audience)
	}
}

func TestAResourceTheAppMayNotHaveIsInvalidTarget(t *testing.T) {
	f := newAssertionFixture(t, WithResources(testResource, "https://other.example.test/"))
	for _, r := range []string{
		"https://other.example.test/", // served, not granted to the app
		"https://unknown.example/",    // not served
		"relative/path",               // not absolute
		testResource + "#frag",        // fragment
		"https://api.example.test/v1 x",
	} {
		_, err := f.svc.IssueToken(context.Background(), TokenRequest{ClientAssertion: f.sign(t, f.claims()), Endpoint: testEndpoint, Resource: r})
		if !errors.Is(err, ErrInvalidTarget) {
			t.Errorf("resource %q: %v, want ErrInvalidTarget", r, err)
		}
	}
}

func TestAppResourcesMustBeServedAndWellFormed(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	for _, rs := range [][]string{
		{"https://unknown.example/"},
		{"not a uri"},
		{testResource + "#f"},
	} {
		if _, err := f.svc.UpdateApp(ctx, f.owner, f.app.SID, AppUpdate{Resources: &rs}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("resources %q: %v, want ErrInvalidArgument", rs, err)
		}
	}
	granted, err := f.svc.IssueToken(ctx, TokenRequest{ClientAssertion: f.sign(t, f.claims()), Endpoint: testEndpoint, Resource: testResource})
	if err != nil {
		t.Fatal(err)
	}
	none := []string{}
	app, err := f.svc.UpdateApp(ctx, f.owner, f.app.SID, AppUpdate{Resources: &none})
	if err != nil || len(app.Resources) != 0 {
		t.Fatalf("clearing resources: %v, %v", err, app.Resources)
	}
	if _, err := f.svc.Authorize(ctx, granted.AccessToken, Resource{Permission: testPerm, Audience: testResource}); !errors.Is(err, ErrWrongAudience) {
		t.Errorf("a token for a resource the app lost: %v, want ErrWrongAudience", err)
	}
	_, err = f.svc.IssueToken(ctx, TokenRequest{ClientAssertion: f.sign(t, f.claims()), Endpoint: testEndpoint, Resource: testResource})
	if !errors.Is(err, ErrInvalidTarget) {
		t.Errorf("a resource the update removed: %v, want ErrInvalidTarget", err)
	}
	if md := f.svc.Metadata(); md.Audience != DefaultAudience || !slices.Equal(md.Resources, []string{testResource}) {
		t.Errorf("Metadata() audience %q, resources %v", md.Audience, md.Resources)
	}
	for _, bad := range []string{"", "no-scheme", "https://a.example/#x"} {
		if err := WithResources(bad)(&config{}); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("WithResources(%q): %v, want ErrInvalidOption", bad, err)
		}
	}
	for _, d := range []time.Duration{0, time.Second, 2 * time.Hour} {
		if err := WithAssertionLifetime(d)(&config{}); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("WithAssertionLifetime(%v): %v, want ErrInvalidOption", d, err)
		}
	}
}

func TestASecretClientGetsATokenForItsResource(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	app, sec, err := f.svc.CreateApp(ctx, f.owner, NewApp{
		FriendlyName: "secret client",
		Permissions:  Permissions{Allow: []string{testPerm}},
		Resources:    []string{testResource},
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.svc.IssueToken(ctx, TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal(), Resource: testResource})
	if err != nil {
		t.Fatalf("IssueToken: %v", err)
	}
	id, err := f.svc.Authorize(ctx, tok.AccessToken, Resource{Permission: testPerm, Audience: testResource})
	if err != nil || id.SecretID == "" || id.KeyID != "" {
		t.Errorf("Authorize: %v, secret %q, key %q", err, id.SecretID, id.KeyID)
	}
	// A secret and an assertion together are refused.
	_, err = f.svc.IssueToken(ctx, TokenRequest{ClientID: f.app.SID, ClientSecret: sec.Reveal(), ClientAssertion: f.sign(t, f.claims())})
	if !errors.Is(err, ErrInvalidClient) {
		t.Errorf("a secret with an assertion: %v, want ErrInvalidClient", err)
	}
}
