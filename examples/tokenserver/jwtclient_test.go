package main

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestDemoJWTClient runs the server with -demo and uses the second app of
// its line as any client would: it signs an ES256 assertion with
// jwt_client_key, gets a token with it, and calls the API; the same
// assertion again is refused.
func TestDemoJWTClient(t *testing.T) {
	demo := runDemo(t)
	if demo.JWTClientID == "" || demo.JWTClientID == demo.ClientID {
		t.Fatalf("jwt_client_id %q", demo.JWTClientID)
	}

	block, _ := pem.Decode([]byte(demo.JWTClientKey))
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("jwt_client_key is not a PKCS#8 PEM block")
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": demo.JWTClientID, "sub": demo.JWTClientID, "aud": demo.TokenURL,
		"exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "jti": "demo-assertion-1",
	})
	tok.Header["kid"] = jwtClientKID
	assertion, err := tok.SignedString(priv)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}.Encode()
	post := func() *http.Request {
		req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	do(t, post(), 200, &answer)
	var list struct{ Messages []struct{ SID string } }
	getJSON(t, demo.APIBase+"/Accounts/"+demo.AccountSID+"/Messages", answer.AccessToken, 200, &list)
	if len(list.Messages) != 1 {
		t.Fatalf("list: %+v", list)
	}
	do(t, post(), 401, nil)

	// The secret app has no business with this one's key, and the JWT
	// app has no secret.
	req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(demo.JWTClientID, demo.ClientSecret)
	do(t, req, 401, nil)
}
