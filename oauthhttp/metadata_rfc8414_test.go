package oauthhttp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// metadataDocs are the metadata documents of servers a user may set up:
// with a catalog, without one, with an issuer that has a path.
func metadataDocs(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	for name, srv := range map[string]*oauthhttp.Server{
		"with a catalog":    newFixture(t).srv,
		"without a catalog": mustServer(t, newBareKit(t).Service),
		"issuer with a path": mustServer(t, oauthapptest.New(t, oauthapptest.WithServiceOptions(
			oauthapp.WithIssuer("https://auth.example.test/tenants/a"))).Service),
	} {
		w := serve(srv.Metadata(), httptest.NewRequest("GET", srv.Endpoints().Metadata, nil))
		if w.Code != 200 {
			t.Fatalf("%s: metadata %d %s", name, w.Code, w.Body)
		}
		docs[name] = w.Body.Bytes()
	}
	return docs
}

func mustServer(t *testing.T, svc *oauthapp.Service) *oauthhttp.Server {
	t.Helper()
	srv, err := oauthhttp.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestMetadataFollowsRFC8414 checks the rules of RFC 8414 section 2 that a
// validator enforces, on each kind of server: the REQUIRED members present
// and non-empty, every URL absolute https (the issuer with no query or
// fragment), no authorization endpoint needed since no grant uses one, and
// arrays where arrays are due.
func TestMetadataFollowsRFC8414(t *testing.T) {
	for name, body := range metadataDocs(t) {
		t.Run(name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			for _, err := range rfc8414Problems(doc) {
				t.Errorf("%v in %s", err, body)
			}
		})
	}
}

// rfc8414Problems lists how doc breaks RFC 8414 section 2. Its length is
// its list of the section's rules, one check each.
func rfc8414Problems(doc map[string]any) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	httpsURL := func(key string, required bool) {
		v, ok := doc[key]
		if !ok {
			if required {
				bad("%s is REQUIRED", key)
			}
			return
		}
		s, _ := v.(string)
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			bad("%s %q is not an absolute https URL", key, s)
		}
	}
	array := func(key string, required bool) []string {
		v, ok := doc[key]
		if !ok {
			if required {
				bad("%s is REQUIRED", key)
			}
			return nil
		}
		list, ok := v.([]any)
		if !ok {
			bad("%s must be a JSON array", key)
			return nil
		}
		var out []string
		for _, e := range list {
			s, ok := e.(string)
			if !ok || s == "" {
				bad("%s holds %v, not a non-empty string", key, e)
			}
			out = append(out, s)
		}
		if required && len(out) == 0 {
			bad("%s is REQUIRED and must not be empty", key)
		}
		return out
	}

	httpsURL("issuer", true)
	if u, err := url.Parse(fmt.Sprint(doc["issuer"])); err == nil && (u.RawQuery != "" || u.Fragment != "" || u.ForceQuery) {
		bad("issuer %q has a query or fragment", doc["issuer"])
	}
	grants := array("grant_types_supported", false)
	if _, ok := doc["grant_types_supported"]; !ok {
		grants = []string{"authorization_code", "implicit"} // the default of section 2
	}
	httpsURL("authorization_endpoint", slices.Contains(grants, "authorization_code") || slices.Contains(grants, "implicit"))
	httpsURL("token_endpoint", !slices.Equal(grants, []string{"implicit"}))
	httpsURL("jwks_uri", false)
	httpsURL("introspection_endpoint", false)
	httpsURL("revocation_endpoint", false)
	array("response_types_supported", true)
	array("scopes_supported", false)
	for _, prefix := range []string{"token_endpoint", "introspection_endpoint", "revocation_endpoint"} {
		methods := array(prefix+"_auth_methods_supported", false)
		algs := array(prefix+"_auth_signing_alg_values_supported", false)
		if slices.Contains(algs, "none") {
			bad("%s_auth_signing_alg_values_supported lists none", prefix)
		}
		if (slices.Contains(methods, "private_key_jwt") || slices.Contains(methods, "client_secret_jwt")) && len(algs) == 0 {
			bad("%s_auth_signing_alg_values_supported is REQUIRED with a JWT client authentication method", prefix)
		}
	}
	return errs
}

// The rule check above would catch what authlib caught: an empty
// response_types_supported.
func TestRFC8414CheckRefusesAnEmptyResponseTypes(t *testing.T) {
	doc := map[string]any{
		"issuer":                   "https://auth.example.test",
		"token_endpoint":           "https://auth.example.test/oauth2/token",
		"grant_types_supported":    []any{"client_credentials"},
		"response_types_supported": []any{},
	}
	if errs := rfc8414Problems(doc); len(errs) != 1 || !strings.Contains(errs[0].Error(), "response_types_supported") {
		t.Fatalf("problems %v, want one about response_types_supported", errs)
	}
}

// authlibCheck validates a metadata document (file in argv[1]) with Python
// authlib's RFC 8414 validator.
const authlibCheck = `import json, sys
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
with open(sys.argv[1]) as f:
    AuthorizationServerMetadata(json.load(f)).validate()
print("valid")
`

// TestMetadataPassesAuthlib runs Python authlib's RFC 8414 validator, a
// widely used independent reading of the RFC, on each kind of server's
// metadata. It needs python3 with authlib (Debian: python3-authlib, which
// .ci/run installs); without it the test skips, except under CI, where it
// fails. The Go check above holds the same rules for machines without it.
func TestMetadataPassesAuthlib(t *testing.T) {
	python := needPython(t, "authlib.oauth2.rfc8414", "python3-authlib")
	for name, body := range metadataDocs(t) {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "metadata.json")
			if err := os.WriteFile(file, body, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(python, "-c", authlibCheck, file)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil || strings.TrimSpace(out.String()) != "valid" {
				t.Fatalf("authlib refuses the metadata (%v):\n%s\n%s", err, out.String(), body)
			}
		})
	}
}

// needPython returns a python3 that imports modules: Debian's (which the
// Debian packages install into) first, else the one on PATH. Without one
// the test skips, except under CI, where it fails: .ci/run installs the
// packages.
func needPython(t *testing.T, modules, packages string) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import "+modules).Run() == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no python3 that imports %s; .ci/run installs %s", modules, packages)
	}
	t.Skipf("no python3 that imports %s: apt-get install %s to run this test", modules, packages)
	return ""
}
