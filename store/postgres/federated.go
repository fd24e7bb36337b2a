package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// storedFederated is a federated credential as the federated_credentials
// column holds it.
type storedFederated struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Issuer      string    `json:"issuer"`
	Subject     string    `json:"subject"`
	Audience    string    `json:"audience"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
}

// federatedColumn is the federated_credentials value of creds, times at
// microsecond precision.
func federatedColumn(creds []store.FederatedCredential) []byte {
	l := make([]storedFederated, len(creds))
	for i, c := range creds {
		l[i] = storedFederated{
			ID: c.ID, Name: c.Name, Issuer: c.Issuer, Subject: c.Subject, Audience: c.Audience,
			Description: c.Description, Created: c.Created.Truncate(time.Microsecond).UTC(),
		}
	}
	b, _ := json.Marshal(l) // plain strings and times always encode
	return b
}

// scanFederated reads the federated_credentials column back.
func scanFederated(col []byte) ([]store.FederatedCredential, error) {
	var l []storedFederated
	if err := json.Unmarshal(col, &l); err != nil {
		return nil, fmt.Errorf("federated_credentials column: %w", err)
	}
	if len(l) == 0 {
		return nil, nil
	}
	out := make([]store.FederatedCredential, len(l))
	for i, c := range l {
		out[i] = store.FederatedCredential{
			ID: c.ID, Name: c.Name, Issuer: c.Issuer, Subject: c.Subject, Audience: c.Audience,
			Description: c.Description, Created: utcOrZero(c.Created),
		}
	}
	return out, nil
}
