package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDemoFlow runs the server with -demo on a free port and walks the
// whole flow a user of the README would: metadata, JWKS, a token with
// client_secret_basic, the API with it, and a clean shutdown.
func TestDemoFlow(t *testing.T) {
	demo, stop := startDemoLine(t)

	var meta struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
		JWKSURI       string `json:"jwks_uri"`
	}
	getJSON(t, demo.MetadataURL, "", 200, &meta)
	if meta.TokenEndpoint != demo.TokenURL || meta.JWKSURI != demo.JWKSURL || !strings.HasPrefix(demo.APIBase, meta.Issuer) {
		t.Fatalf("metadata %+v does not match the demo line %+v", meta, demo)
	}
	var jwks struct{ Keys []struct{ Kid string } }
	getJSON(t, demo.JWKSURL, "", 200, &jwks)
	if len(jwks.Keys) != 1 {
		t.Fatalf("JWKS has %d keys", len(jwks.Keys))
	}

	req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(demo.ClientID), url.QueryEscape(demo.ClientSecret))
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	do(t, req, 200, &tok)
	if tok.ExpiresIn != 3600 || tok.Scope != permList+" "+permRead {
		t.Fatalf("token answer %+v", tok)
	}
	if kid := headerKid(t, tok.AccessToken); kid != jwks.Keys[0].Kid {
		t.Fatalf("token kid %q is not the published one %q", kid, jwks.Keys[0].Kid)
	}

	messages := demo.APIBase + "/Accounts/" + demo.AccountSID + "/Messages"
	var list struct{ Messages []struct{ SID string } }
	getJSON(t, messages, tok.AccessToken, 200, &list)
	if len(list.Messages) != 1 {
		t.Fatalf("list: %+v", list)
	}
	var msg struct{ SID, Body string }
	getJSON(t, messages+"/"+list.Messages[0].SID, tok.AccessToken, 200, &msg)
	if msg.SID != list.Messages[0].SID || msg.Body == "" {
		t.Fatalf("read: %+v", msg)
	}

	create, _ := http.NewRequest("POST", messages, strings.NewReader("Body=hi"))
	create.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	create.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	res := do(t, create, 403, nil)
	if got, want := res.Header.Get("WWW-Authenticate"), `error="insufficient_scope", scope="`+permCreate+`"`; !strings.Contains(got, want) {
		t.Fatalf("create: WWW-Authenticate %q, want it to hold %q", got, want)
	}
	other := demo.APIBase + "/Accounts/AC00000000000000000000000000000000/Messages"
	getJSON(t, other, tok.AccessToken, 403, nil)
	getJSON(t, messages, "", 401, nil)

	if err := stop(); err != nil {
		t.Fatalf("run after shutdown: %v", err)
	}
}

func TestRunRefusesBadArguments(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"-addr", "256.0.0.1:80"}, {"extra"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func getJSON(t *testing.T, target, bearer string, want int, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", target, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	do(t, req, want, v)
}

func do(t *testing.T, req *http.Request, want int, v any) *http.Response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL, res.StatusCode, body, want)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	return res
}

func headerKid(t *testing.T, jwt string) string {
	t.Helper()
	h, _, _ := strings.Cut(jwt, ".")
	raw, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct{ Kid string }
	if err := json.Unmarshal(raw, &hdr); err != nil {
		t.Fatal(err)
	}
	return hdr.Kid
}
