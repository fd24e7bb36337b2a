package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
)

// The demo API's permissions and routes.
const (
	apiPrefix  = "/v1"
	permList   = "/demo/messaging/messages/list"
	permCreate = "/demo/messaging/messages/create"
	permRead   = "/demo/messaging/messages/read"
	maxBody    = 1600
)

var demoRoutes = []scope.Route{
	{Pattern: "GET " + apiPrefix + "/Accounts/{AccountSid}/Messages", Permission: permList},
	{Pattern: "POST " + apiPrefix + "/Accounts/{AccountSid}/Messages", Permission: permCreate},
	{Pattern: "GET " + apiPrefix + "/Accounts/{AccountSid}/Messages/{MessageSid}", Permission: permRead},
}

// message is one stored message of the demo API.
type message struct {
	SID        string    `json:"sid"`
	AccountSID string    `json:"account_sid"`
	Body       string    `json:"body"`
	Created    time.Time `json:"date_created"`
}

// messages is the demo API's in-memory data, by account.
type messages struct {
	mu     sync.Mutex
	byAcct map[string][]message
}

func newMessages() *messages { return &messages{byAcct: map[string][]message{}} }

func (m *messages) add(account, body string) message {
	msg := message{SID: newSID("MM"), AccountSID: account, Body: body, Created: time.Now().UTC().Truncate(time.Second)}
	m.mu.Lock()
	m.byAcct[account] = append(m.byAcct[account], msg)
	m.mu.Unlock()
	return msg
}

// newSID returns an id of the demo's own, in the style of Twilio's: the
// two-letter prefix ("AC" an account, "US" a user, "MM" a message) and 32
// random hex digits. The library takes account and user ids of any shape
// oauthapp.ParseAccountSID accepts.
func newSID(prefix string) string { return prefix + randomToken()[:32] }

// register registers the routes of the catalog, each behind protect.
func (m *messages) register(mux *http.ServeMux, protect func(http.Handler) http.Handler) {
	handlers := map[string]http.HandlerFunc{permList: m.list, permCreate: m.create, permRead: m.read}
	for _, rt := range demoRoutes {
		mux.Handle(rt.Pattern, protect(handlers[rt.Permission]))
	}
}

// account is the account the request acts on; Protect has checked that
// the token belongs to it.
func account(r *http.Request) string {
	id, _ := oauthhttp.IdentityFrom(r.Context())
	return id.AccountSID
}

func (m *messages) list(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	list := append([]message{}, m.byAcct[account(r)]...)
	m.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"messages": list})
}

func (m *messages) read(w http.ResponseWriter, r *http.Request) {
	sid := r.PathValue("MessageSid")
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, msg := range m.byAcct[account(r)] {
		if msg.SID == sid {
			writeJSON(w, http.StatusOK, msg)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such message"})
}

func (m *messages) create(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	body := r.PostFormValue("Body")
	if body == "" || !utf8.ValidString(body) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Body is required"})
		return
	}
	writeJSON(w, http.StatusCreated, m.add(account(r), body))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
