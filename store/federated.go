package store

import "time"

// FederatedCredential is one external identity an app trusts (workload
// identity federation): a JWT that Issuer signed, for Subject and with
// Audience in its aud, authenticates the app's client. The store keeps
// it as given and never fetches or checks anything: that is the
// service's business.
type FederatedCredential struct {
	// ID is the credential's id, which the service generates; unique
	// within the app, and never reused for another credential.
	ID string
	// Name names the credential for people; unique within the app.
	Name string
	// Issuer is the external issuer's URL, the iss its tokens carry.
	Issuer string
	// Subject is the sub the external token must carry. Issuer and
	// Subject together are unique within the app.
	Subject string
	// Audience is the value the external token's aud must hold.
	Audience string
	// Description is free text shown to people; "" when there is none.
	Description string
	// Created is when the credential was added.
	Created time.Time
}
