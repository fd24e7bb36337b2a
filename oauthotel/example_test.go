package oauthotel_test

import (
	"context"
	"fmt"
	"sort"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthotel"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Example instruments a service and reads the count of its token
// requests. A program passes its own meter and tracer providers (with an
// exporter) instead of the in-memory reader, and ServerOption to
// oauthhttp.New for the token endpoint's latency.
func Example() {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	inst, err := oauthotel.New(oauthotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))))
	if err != nil {
		panic(err)
	}
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, err := oauthapp.New(store.NewMemory(), keys, inst.ServiceOption())
	if err != nil {
		panic(err)
	}

	owner := oauthapp.Actor{UserSID: "user-42", AccountSID: "acct-7", Role: oauthapp.RoleOwner}
	app, secret, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{
		FriendlyName: "reporting job",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/messaging/messages/list"}},
	})
	if err != nil {
		panic(err)
	}
	_, _ = svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: secret.Reveal()})
	_, _ = svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: "oqcs_not-the-secret"})

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		panic(err)
	}
	var lines []string
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, p := range sum.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %s = %d", m.Name, p.Attributes.Encoded(attribute.DefaultEncoder()), p.Value))
				}
			}
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// oauthapps.client.authentication.failures oauthapps.reason=malformed_secret = 1
	// oauthapps.token.requests oauthapps.grant_type=client_credentials,oauthapps.outcome=invalid_client = 1
	// oauthapps.token.requests oauthapps.grant_type=client_credentials,oauthapps.outcome=issued = 1
}
