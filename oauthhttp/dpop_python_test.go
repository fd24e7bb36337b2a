package oauthhttp_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// pythonDPoPClient is a DPoP client written from RFC 9449 alone, with
// PyJWT and cryptography and the standard library: it makes a P-256 key,
// writes its public JWK (RFC 7518 section 6.2.1), signs each proof with
// typ dpop+jwt, the jwk, jti, htm, htu and iat (section 4.2), and for the
// API ath, the base64url SHA-256 of the token. It gets a token with
// client_secret_basic, calls the route with the DPoP scheme, then sends
// the same proof again. argv: token URL, route URL, client id, secret.
// It prints a JSON object of what it saw.
const pythonDPoPClient = `import base64, hashlib, json, sys, time, uuid, urllib.error, urllib.parse, urllib.request
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
token_url, api_url, client_id, secret = sys.argv[1:5]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
key = ec.generate_private_key(ec.SECP256R1())
nums = key.public_key().public_numbers()
jwk = {"kty": "EC", "crv": "P-256", "x": b64(nums.x.to_bytes(32, "big")), "y": b64(nums.y.to_bytes(32, "big"))}
def proof(htm, htu, token=None):
    claims = {"jti": str(uuid.uuid4()), "htm": htm, "htu": htu, "iat": int(time.time())}
    if token:
        claims["ath"] = b64(hashlib.sha256(token.encode("ascii")).digest())
    return jwt.encode(claims, key, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": jwk})
def send(req):
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
basic = base64.b64encode((urllib.parse.quote(client_id, safe="") + ":" + urllib.parse.quote(secret, safe="")).encode()).decode()
req = urllib.request.Request(token_url, data=b"grant_type=client_credentials", method="POST", headers={
    "Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded", "DPoP": proof("POST", token_url)})
status, _, body = send(req)
tok = json.loads(body)
access = tok["access_token"]
api_proof = proof("GET", api_url, access)
def call(p):
    return send(urllib.request.Request(api_url, headers={"Authorization": "DPoP " + access, "DPoP": p}))
first, _, _ = call(api_proof)
again, headers, _ = call(api_proof)
expected = {"jkt": b64(hashlib.sha256(json.dumps({"crv": "P-256", "kty": "EC", "x": jwk["x"], "y": jwk["y"]}, separators=(",", ":")).encode()).digest())}
print(json.dumps({"token_status": status, "token_type": tok["token_type"], "cnf": jwt.decode(access, options={"verify_signature": False}).get("cnf"),
    "expected_cnf": expected, "api_status": first, "replay_status": again, "replay_challenge": headers.get("WWW-Authenticate", "")}))
`

// TestPythonDPoPClientFromTheRFC runs a DPoP client written in Python
// from RFC 9449 alone against a token server on a loopback port: it gets
// a DPoP token bound to its key (cnf.jkt its RFC 7638 thumbprint), opens
// a protected route with it, and is refused when it replays its proof.
// It needs python3 with PyJWT and cryptography (Debian: python3-jwt,
// python3-cryptography, which .ci/run installs); without them the test
// skips, except under CI, where it fails.
func TestPythonDPoPClientFromTheRFC(t *testing.T) {
	python := needPython(t, "jwt, cryptography.hazmat.primitives.asymmetric.ec", "python3-jwt python3-cryptography")
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	base := "http://" + ts.Listener.Addr().String()
	kit := oauthapptest.New(t, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(oauthapp.WithIssuer(base), oauthapp.WithClock(time.Now)))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	mux.Handle("GET /v1/Accounts/{AccountSid}/Messages", srv.ProtectFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	ts.Config.Handler = mux
	ts.Start()
	app, sec, err := kit.Service.CreateApp(ctx, kit.Owner, oauthapp.NewApp{FriendlyName: "python", Permissions: oauthapp.Permissions{Allow: []string{permList}}, DPoPBoundAccessTokens: true})
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(python, "-c", pythonDPoPClient, srv.Endpoints().Token, base+"/v1/Accounts/"+kit.Owner.AccountSID+"/Messages", app.SID, sec.Reveal())
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("python: %v\n%s%s", err, out.String(), stderr.String())
	}
	var got struct {
		TokenStatus     int               `json:"token_status"`
		TokenType       string            `json:"token_type"`
		Cnf             map[string]string `json:"cnf"`
		ExpectedCnf     map[string]string `json:"expected_cnf"`
		APIStatus       int               `json:"api_status"`
		ReplayStatus    int               `json:"replay_status"`
		ReplayChallenge string            `json:"replay_challenge"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("python printed %q (%v)", out.String(), err)
	}
	if got.TokenStatus != 200 || got.TokenType != "DPoP" {
		t.Errorf("token request: %d %s, want 200 DPoP", got.TokenStatus, got.TokenType)
	}
	if got.Cnf["jkt"] == "" || got.Cnf["jkt"] != got.ExpectedCnf["jkt"] {
		t.Errorf("cnf %v, want the RFC 7638 thumbprint python computed, %v", got.Cnf, got.ExpectedCnf)
	}
	if got.APIStatus != http.StatusNoContent {
		t.Errorf("the protected route with python's token and proof: %d", got.APIStatus)
	}
	if got.ReplayStatus != http.StatusUnauthorized || !bytes.Contains([]byte(got.ReplayChallenge), []byte(`DPoP realm=`)) || !bytes.Contains([]byte(got.ReplayChallenge), []byte(`error="invalid_dpop_proof"`)) {
		t.Errorf("the proof replayed: %d %q, want 401 with DPoP error=\"invalid_dpop_proof\"", got.ReplayStatus, got.ReplayChallenge)
	}
}
