package oauthhttp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// TestUnknownClientLooksLikeWrongSecret: an attacker cannot tell whether a
// client id exists. An unknown client id, a deleted app's id and a
// malformed id, each with a well-formed secret, get the very answer a
// real client with a wrong secret gets (status, body and every header but
// Date), by either authentication method and at every endpoint that
// authenticates clients; and each costs exactly one hash comparison,
// counted by the hasher the service verifies through.
func TestUnknownClientLooksLikeWrongSecret(t *testing.T) {
	hasher := &countingHasher{}
	st := newStack(t, []oauthhttp.LimiterOption{oauthhttp.WithAddrFailures(-1)}, stackConfig{svc: []oauthapp.Option{oauthapp.WithHasher(hasher)}})
	real := st.kit.NewApp(permList)
	deleted := st.kit.NewApp(permList)
	if err := st.kit.Service.DeleteApp(ctx, st.kit.Owner, deleted.SID, 0); err != nil {
		t.Fatal(err)
	}
	tok := st.issue(t, real.SID, st.kit.Secret(real.SID), "")

	clients := []struct{ name, id string }{
		{"a real client with a wrong secret", real.SID},
		{"an unknown client id", oauthapptest.NewSID("OQ")},
		{"a deleted app's client id", deleted.SID},
		{"a malformed client id", "not-a-client"},
	}
	endpoints := []struct{ path, body string }{
		{oauthhttp.TokenPath, "grant_type=client_credentials"},
		{oauthhttp.IntrospectionPath, "token=" + url.QueryEscape(tok)},
		{oauthhttp.RevocationPath, "token=" + url.QueryEscape(tok)},
	}
	for _, ep := range endpoints {
		for _, method := range []string{"client_secret_basic", "client_secret_post"} {
			t.Run(strings.TrimPrefix(ep.path, "/")+" by "+method, func(t *testing.T) {
				var reference answer
				for i, c := range clients {
					wrong := realLookingSecret(t)
					body, auth := ep.body, basic(c.id, wrong)
					if method == "client_secret_post" {
						body += "&client_id=" + url.QueryEscape(c.id) + "&client_secret=" + url.QueryEscape(wrong)
						auth = ""
					}
					before := hasher.compares.Load()
					a := st.post(t, ep.path, body, auth)
					if n := hasher.compares.Load() - before; n != 1 {
						t.Errorf("%s: %d hash comparisons, want 1", c.name, n)
					}
					a.header.Del("Date")
					if i == 0 {
						reference = a
						if a.status != http.StatusUnauthorized || a.code() != oauthhttp.CodeInvalidClient {
							t.Fatalf("%s: %d %s, want 401 invalid_client", c.name, a.status, a.body)
						}
						continue
					}
					if a.status != reference.status || a.body != reference.body {
						t.Errorf("%s: %d %s; %s: %d %s", c.name, a.status, a.body, clients[0].name, reference.status, reference.body)
					}
					if !sameHeaders(a.header, reference.header) {
						t.Errorf("%s: headers %v; %s: %v", c.name, a.header, clients[0].name, reference.header)
					}
				}
			})
		}
	}
}

func sameHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb := b[k]
		if len(va) != len(vb) {
			return false
		}
		for i := range va {
			if va[i] != vb[i] {
				return false
			}
		}
	}
	return true
}
