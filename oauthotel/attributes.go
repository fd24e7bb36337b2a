package oauthotel

import (
	"errors"
	"reflect"
	"strconv"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/store"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Attribute keys of the metrics and spans.
const (
	KeyGrantType   = attribute.Key("oauthapps.grant_type")
	KeyOutcome     = attribute.Key("oauthapps.outcome")
	KeyReason      = attribute.Key("oauthapps.reason")
	KeyDecision    = attribute.Key("oauthapps.decision")
	KeyPermission  = attribute.Key("oauthapps.permission")
	KeyAppSID      = attribute.Key("oauthapps.app_sid")
	KeyCache       = attribute.Key("oauthapps.cache")
	KeyCacheResult = attribute.Key("oauthapps.cache.result")
	KeyStoreMethod = attribute.Key("oauthapps.store.method")
	KeyStoreResult = attribute.Key("oauthapps.store.outcome")
	KeyChange      = attribute.Key("oauthapps.change")
	KeyHTTPStatus  = attribute.Key("http.response.status_code")
	KeyOAuthError  = attribute.Key("oauthapps.oauth_error")
)

// Values of KeyDecision, and the KeyOutcome of a token issued.
const (
	decisionAllowed = "allowed"
	decisionDenied  = "denied"
	outcomeIssued   = "issued"
)

// opts holds the options of a histogram's Record for each attribute set
// it records, built once in New for every value this version knows, as
// the slice Record takes, so that a measurement allocates nothing; a
// value it does not know gets its options built on each use. The map is
// only read after New, so it needs no lock.
type opts[K comparable] struct {
	m     map[K][]metric.RecordOption
	build func(K) attribute.Set
}

func recordOf(s attribute.Set) []metric.RecordOption {
	return []metric.RecordOption{metric.WithAttributeSet(s)}
}

func newOpts[K comparable](build func(K) attribute.Set, known ...K) opts[K] {
	o := opts[K]{m: make(map[K][]metric.RecordOption, len(known)), build: build}
	for _, k := range known {
		o.m[k] = recordOf(build(k))
	}
	return o
}

func (o opts[K]) get(k K) []metric.RecordOption {
	if r, ok := o.m[k]; ok {
		return r
	}
	return recordOf(o.build(k))
}

type tokenKey struct {
	grant  string
	reason oauthapp.Reason // "" for a token issued
}

var tokenReasons = []oauthapp.Reason{"", oauthapp.ReasonInvalidClient, oauthapp.ReasonInvalidScope, oauthapp.ReasonInvalidTarget,
	oauthapp.ReasonUnsupportedRegion, oauthapp.ReasonInvalidDPoPProof, oauthapp.ReasonUseDPoPNonce, oauthapp.ReasonError}

func tokenAttrs(k tokenKey) attribute.Set {
	return attribute.NewSet(KeyGrantType.String(k.grant), KeyOutcome.String(tokenOutcome(k.reason)))
}

// tokenOutcome is the value of KeyOutcome of a token request: "issued",
// or the reason it was refused.
func tokenOutcome(r oauthapp.Reason) string {
	if r == "" {
		return outcomeIssued
	}
	return string(r)
}

var authFailures = []oauthapp.Reason{oauthapp.ReasonMalformedSecret, oauthapp.ReasonMalformedClientID, oauthapp.ReasonUnknownClient,
	oauthapp.ReasonWrongSecret, oauthapp.ReasonWrongRegion, oauthapp.ReasonGraceEnding, oauthapp.ReasonBadAssertion}

func failureAttrs(r oauthapp.Reason) attribute.Set {
	return attribute.NewSet(KeyReason.String(string(r)))
}

var denyReasons = []oauthapp.Reason{"", oauthapp.ReasonInvalidArgument, oauthapp.ReasonInvalidToken, oauthapp.ReasonTokenRevoked,
	oauthapp.ReasonAppDeleted, oauthapp.ReasonSecretInactive, oauthapp.ReasonClientKeyRemoved, oauthapp.ReasonWrongAudience,
	oauthapp.ReasonWrongAccount, oauthapp.ReasonWrongRegion, oauthapp.ReasonInsufficientScope,
	oauthapp.ReasonInvalidDPoPProof, oauthapp.ReasonUseDPoPNonce, oauthapp.ReasonError}

// authorizationAttrs: "" is an allowed authorization.
func authorizationAttrs(r oauthapp.Reason) attribute.Set {
	if r == "" {
		return attribute.NewSet(KeyDecision.String(decisionAllowed))
	}
	return attribute.NewSet(KeyDecision.String(decisionDenied), KeyReason.String(string(r)))
}

func decisionAttrs(allowed bool) attribute.Set {
	if allowed {
		return attribute.NewSet(KeyDecision.String(decisionAllowed))
	}
	return attribute.NewSet(KeyDecision.String(decisionDenied))
}

type endpointKey struct {
	code   string
	status int
}

var endpointAnswers = []endpointKey{
	{"", 200},
	{oauthhttp.CodeInvalidRequest, 400}, {oauthhttp.CodeInvalidScope, 400}, {oauthhttp.CodeUnsupportedGrantType, 400},
	{oauthhttp.CodeUnauthorizedClient, 400}, {oauthhttp.CodeInvalidClient, 401},
	{oauthhttp.CodeInvalidDPoPProof, 400}, {oauthhttp.CodeUseDPoPNonce, 400},
	{oauthhttp.CodeTemporarilyUnavailable, 429}, {oauthhttp.CodeServerError, 500},
}

func endpointAttrs(k endpointKey) attribute.Set {
	outcome := k.code
	if outcome == "" {
		outcome = outcomeIssued
	}
	return attribute.NewSet(KeyOutcome.String(outcome), KeyHTTPStatus.Int(k.status))
}

type cacheKey struct {
	cache oauthapp.CacheName
	hit   bool
}

var cacheLookups = []cacheKey{{oauthapp.CacheApps, true}, {oauthapp.CacheApps, false}, {oauthapp.CacheRevocations, true}, {oauthapp.CacheRevocations, false},
	{oauthapp.CacheTokens, true}, {oauthapp.CacheTokens, false}}

func cacheAttrs(k cacheKey) attribute.Set {
	result := "miss"
	if k.hit {
		result = "hit"
	}
	return attribute.NewSet(KeyCache.String(string(k.cache)), KeyCacheResult.String(result))
}

type storeKey struct {
	method, outcome string
}

// storeMethods are the methods Observer.StoreCall reports: every method
// of store.Store, read from the interface so that the list follows it,
// and LiveRevocations of a store.RevocationLister.
var storeMethods = func() []string {
	st := reflect.TypeFor[store.Store]()
	names := make([]string, 0, st.NumMethod()+1)
	for i := range st.NumMethod() {
		names = append(names, st.Method(i).Name)
	}
	return append(names, "LiveRevocations")
}()

func storeKeys() []storeKey {
	var ks []storeKey
	for _, m := range storeMethods {
		for _, o := range []string{"ok", "not_found", "conflict", "error"} {
			ks = append(ks, storeKey{m, o})
		}
	}
	return ks
}

func storeAttrs(k storeKey) attribute.Set {
	return attribute.NewSet(KeyStoreMethod.String(k.method), KeyStoreResult.String(k.outcome))
}

// storeOutcome names how a store call ended; the error's text is never
// recorded.
func storeOutcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, store.ErrNotFound):
		return "not_found"
	case errors.Is(err, store.ErrConflict):
		return "conflict"
	}
	return "error"
}

var changeKinds = []store.ChangeKind{store.AppChanged, store.TokenRevoked, store.Resync}

func changeAttrs(k store.ChangeKind) attribute.Set {
	var name string
	switch k {
	case store.AppChanged:
		name = "app"
	case store.TokenRevoked:
		name = "token"
	case store.Resync:
		name = "resync"
	default:
		name = "kind_" + strconv.Itoa(int(k))
	}
	return attribute.NewSet(KeyChange.String(name))
}
