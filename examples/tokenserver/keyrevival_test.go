package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestDemoReplacedKeyDoesNotReviveItsTokens runs the sequence of an owner
// whose client key leaked, over HTTP on the demo server: a token obtained
// by private_key_jwt with the key opens the API; the key is deleted
// through the management API and the token is refused; a new key is
// registered under the same id and the old token is still refused, while
// a token of the new key opens the API.
func TestDemoReplacedKeyDoesNotReviveItsTokens(t *testing.T) {
	demo := runDemo(t)
	block, _ := pem.Decode([]byte(demo.JWTClientKey))
	if block == nil {
		t.Fatal("jwt_client_key is not PEM")
	}
	leaked, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	messages := demo.APIBase + "/Accounts/" + demo.AccountSID + "/Messages"
	tokenOf := func(key crypto.Signer) string {
		t.Helper()
		now := time.Now()
		a := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
			"iss": demo.JWTClientID, "sub": demo.JWTClientID, "aud": demo.TokenURL,
			"exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "jti": rand.Text(),
		})
		a.Header["kid"] = jwtClientKID
		signed, err := a.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader(url.Values{
			"grant_type":            {"client_credentials"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {signed},
		}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		var answer struct {
			AccessToken string `json:"access_token"`
		}
		do(t, req, 200, &answer)
		return answer.AccessToken
	}
	admin := func(method, target string, body []byte, want int) {
		t.Helper()
		req, _ := http.NewRequest(method, target, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+demo.AdminToken)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		do(t, req, want, nil)
	}
	keys := demo.AdminBase + "/" + demo.JWTClientID + "/Keys"

	old := tokenOf(leaked.(crypto.Signer))
	getJSON(t, messages, old, 200, nil)
	admin("DELETE", keys+"/"+jwtClientKID, nil, 204)
	getJSON(t, messages, old, 401, nil)

	replacement, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&replacement.PublicKey)
	body, _ := json.Marshal(map[string]string{"id": jwtClientKID, "public_key": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))})
	admin("POST", keys, body, 201)
	getJSON(t, messages, old, 401, nil)
	getJSON(t, messages, tokenOf(replacement), 200, nil)
}
