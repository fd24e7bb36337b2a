package postgres

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// The tests in this file run the management API (adminhttp) as two
// instances of one deployment, each a service on a pool and Store of its
// own behind a server on a loopback port, sharing one schema and one
// key-encryption key: what a load balancer in front of two processes
// makes of Idempotency-Key and If-Match.

// managed is one instance of the management API, reached over HTTP.
type managed struct {
	url string
	svc *oauthapp.Service
}

// managementAPIs starts two instances of the deployment's management API
// with one key-encryption key.
func (d *deployment) managementAPIs(t *testing.T) [2]managed {
	t.Helper()
	kek := make([]byte, 32)
	if _, err := rand.Read(kek); err != nil {
		t.Fatal(err)
	}
	var out [2]managed
	for i := range out {
		svc := d.service(t, openStore(t, testPool(t), d.schema), oauthapp.WithCache(cacheStale, 0), oauthapp.WithKeyEncryptionKey(kek))
		api, err := adminhttp.New(svc, func(*http.Request) (oauthapp.Actor, error) { return d.owner, nil })
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(api)
		t.Cleanup(srv.Close)
		out[i] = managed{url: srv.URL + api.CollectionPath(), svc: svc}
	}
	return out
}

// answer is one HTTP answer of the management API.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) member(t *testing.T, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d: %v: %s", a.status, err, a.body)
	}
	s, _ := m[name].(string)
	return s
}

// send makes one request; headers come in name, value pairs.
func send(t *testing.T, method, url, body string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, b}
}

const createBody = `{"friendly_name":"retried","policy":{"allow":["` + permList + `"]}}`

// appsOf returns the apps the store holds for the owner.
func (d *deployment) appsOf(t *testing.T) int {
	t.Helper()
	apps, err := d.first.ListApps(context.Background(), d.owner.AccountSID, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(apps)
}

// TestCreateRetriedOnTheOtherInstanceAnswersTheSameAppAndSecret: a create
// sent to one instance and retried with the same Idempotency-Key on the
// other answers the same app and the same secret, and one app is stored;
// the stored answer holds no plain secret.
func TestCreateRetriedOnTheOtherInstanceAnswersTheSameAppAndSecret(t *testing.T) {
	d := newDeployment(t)
	apis := d.managementAPIs(t)
	first := send(t, "POST", apis[0].url, createBody, "Idempotency-Key", "create-1")
	if first.status != 201 {
		t.Fatalf("create: %d %s", first.status, first.body)
	}
	retry := send(t, "POST", apis[1].url, createBody, "Idempotency-Key", "create-1")
	if retry.status != 201 || retry.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry on the other instance: %d, replayed %q: %s", retry.status, retry.header.Get("Idempotent-Replayed"), retry.body)
	}
	sec := first.member(t, "client_secret")
	if sec == "" || retry.member(t, "client_secret") != sec || retry.member(t, "sid") != first.member(t, "sid") || !bytes.Equal(first.body, retry.body) {
		t.Errorf("the retry answers another app or secret:\n%s\n%s", first.body, retry.body)
	}
	if n := d.appsOf(t); n != 1 {
		t.Errorf("%d apps stored, want 1", n)
	}
	if other := send(t, "POST", apis[1].url, `{"friendly_name":"another","policy":{"allow":["`+permList+`"]}}`, "Idempotency-Key", "create-1"); other.status != 422 {
		t.Errorf("the key with another body on the other instance: %d, want 422", other.status)
	}

	// The row as stored: the answer sealed, neither the secret nor the
	// app's id readable in it, the request a hash.
	var request, stored []byte
	err := d.first.pool.QueryRow(context.Background(),
		"SELECT request, answer FROM "+pgx.Identifier{d.schema, "idempotency_keys"}.Sanitize()+" WHERE account_sid = $1 AND key = $2",
		d.owner.AccountSID, "create-1").Scan(&request, &stored)
	if err != nil {
		t.Fatal(err)
	}
	for name, plain := range map[string]string{"the secret": sec, "the app SID": first.member(t, "sid"), "a JSON member": "client_secret", "the app's name": "retried"} {
		if bytes.Contains(stored, []byte(plain)) {
			t.Errorf("the stored answer holds %s in plain text", name)
		}
	}
	if len(request) != 32 {
		t.Errorf("the stored request is %d bytes, want its SHA-256 hash", len(request))
	}
}

// TestConcurrentCreatesWithOneKeyOverTwoInstancesCreateOneApp: 50 requests
// with one key, spread over both instances at once, create exactly one
// app; every other answer is its replay or 409.
func TestConcurrentCreatesWithOneKeyOverTwoInstancesCreateOneApp(t *testing.T) {
	d := newDeployment(t)
	apis := d.managementAPIs(t)
	const n = 50
	answers := make([]answer, n)
	together(n, func(i int) error {
		answers[i] = send(t, "POST", apis[i%2].url, createBody, "Idempotency-Key", "race-1")
		return nil
	})
	var first []byte
	created := 0
	for _, a := range answers {
		switch {
		case a.status == 201 && a.header.Get("Idempotent-Replayed") == "":
			created++
			fallthrough
		case a.status == 201:
			if first == nil {
				first = a.body
			} else if !bytes.Equal(first, a.body) {
				t.Errorf("two different 201 answers for one key:\n%s\n%s", first, a.body)
			}
		case a.status == 409:
			if a.header.Get("Retry-After") == "" {
				t.Error("409 without Retry-After")
			}
		default:
			t.Errorf("answer %d: %s", a.status, a.body)
		}
	}
	if created != 1 {
		t.Errorf("%d requests created an app, want 1", created)
	}
	if got := d.appsOf(t); got != 1 {
		t.Errorf("%d apps stored, want 1", got)
	}
}

// keyBody is an add-key body with a fresh Ed25519 key.
func keyBody(t *testing.T, id string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"id": id, "public_key": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))})
	return string(b)
}

// TestIfMatchChangesRacingAnUpdateOnTheOtherInstance: a delete, a key
// addition and a key removal with If-Match race an update of the same app
// on the other instance, 200 times in all: each is either 412 with
// nothing changed, or applied to the version it named; the update is
// never lost.
func TestIfMatchChangesRacingAnUpdateOnTheOtherInstance(t *testing.T) {
	d := newDeployment(t)
	apis := d.managementAPIs(t)
	ctx := context.Background()
	kinds := []string{"delete", "add key", "remove key"}
	outcomes := map[string]int{}
	defer func() { t.Logf("outcomes: %v", outcomes) }()
	for i := range 201 {
		kind := kinds[i%len(kinds)]
		app, _ := d.newApp(t, apis[0].svc)
		if kind == "remove key" {
			var err error
			app, err = apis[0].svc.AddClientKey(ctx, d.owner, app.SID, oauthapp.NewClientKey{ID: "k0", PublicKeyPEM: pemOf(t, keyBody(t, "k0"))}, 0)
			if err != nil {
				t.Fatal(err)
			}
		}
		appURL := apis[0].url + "/" + app.SID
		tag := fmt.Sprintf(`"%d"`, app.Version)
		name := fmt.Sprintf("renamed %d", i)
		var change, update answer
		together(2, func(w int) error {
			if w == 1 {
				update = send(t, "POST", apis[1].url+"/"+app.SID, `{"friendly_name":"`+name+`"}`)
				return nil
			}
			switch kind {
			case "delete":
				change = send(t, "DELETE", appURL, "", "If-Match", tag)
			case "add key":
				change = send(t, "POST", appURL+"/Keys", keyBody(t, "k1"), "If-Match", tag)
			case "remove key":
				change = send(t, "DELETE", appURL+"/Keys/k0", "", "If-Match", tag)
			}
			return nil
		})
		stored, err := d.first.GetApp(ctx, app.SID)
		outcomes[fmt.Sprint(kind, " ", change.status)]++
		switch {
		case change.status == 412:
			// Nothing changed by the refused request; the update landed.
			if update.status != 200 || err != nil || stored.FriendlyName != name {
				t.Fatalf("%s %d refused, yet the update answered %d and the app reads %q (%v)", kind, i, update.status, stored.FriendlyName, err)
			}
			if keys := len(stored.Keys); (kind == "remove key") != (keys == 1) {
				t.Fatalf("%s %d refused, yet the app holds %d keys", kind, i, keys)
			}
		case kind == "delete" && change.status == 204:
			// The delete took the version it named, before the update.
			if update.status != 404 || err == nil {
				t.Fatalf("delete %d at %s applied, yet the update answered %d and the app is stored: %v", i, tag, update.status, err)
			}
		case change.status == 201 || change.status == 204:
			// The key change took the version it named; the update, made
			// after it, kept it.
			if update.status != 200 || err != nil || stored.FriendlyName != name {
				t.Fatalf("%s %d applied, but the update answered %d and the app reads %q: an update was lost", kind, i, update.status, stored.FriendlyName)
			}
			if keys := len(stored.Keys); (kind == "add key") != (keys == 1) {
				t.Fatalf("%s %d applied, yet the app holds %d keys", kind, i, keys)
			}
			// Applied to the version it named: the update came after it.
			if after := fmt.Sprintf(`"%d"`, app.Version+2); update.header.Get("ETag") != after {
				t.Fatalf("%s %d at %s applied, but the update answered ETag %s before it: the change was made to another version", kind, i, tag, update.header.Get("ETag"))
			}
			if kind == "add key" && change.header.Get("ETag") != fmt.Sprintf(`"%d"`, app.Version+1) {
				t.Fatalf("add key %d at %s answered ETag %s", i, tag, change.header.Get("ETag"))
			}
		default:
			t.Fatalf("%s %d: %d %s", kind, i, change.status, change.body)
		}
	}
}

// pemOf returns the public_key member of an add-key body.
func pemOf(t *testing.T, body string) string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	return m["public_key"]
}
