package keyring_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/store"
)

// Two instances of one service share their signing keys through the store
// (here the memory store; store/postgres across processes): they sign with
// the same key, so each accepts the other's tokens.
func Example() {
	ctx := context.Background()
	st := store.NewMemory()
	kek := make([]byte, keyring.KEKSize) // in production: from a secret manager
	if _, err := rand.Read(kek); err != nil {
		log.Fatal(err)
	}

	instance := func() *oauthapp.Service {
		ring, err := keyring.New(ctx, st, keyring.WithKeyEncryptionKey(kek))
		if err != nil {
			log.Fatal(err)
		}
		// In a real service: defer ring.Close()
		svc, err := oauthapp.New(st, ring.KeySet())
		if err != nil {
			log.Fatal(err)
		}
		return svc
	}
	a, b := instance(), instance()

	fmt.Println("same signing key:", a.Metadata().Keys.SigningKey().ID() == b.Metadata().Keys.SigningKey().ID())
	fmt.Println("keys in the store:", len(must(st.ListSigningKeys(ctx))))
	// Output:
	// same signing key: true
	// keys in the store: 1
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// A key held by a KMS or an HSM signs through crypto.Signer; the store
// holds only its public key. Here an Ed25519 key in memory stands in for
// the KMS client.
func ExampleWithSigner() {
	ctx := context.Background()
	st := store.NewMemory()
	_, kms, err := ed25519.GenerateKey(rand.Reader) // a KMS client in production
	if err != nil {
		log.Fatal(err)
	}
	ring, err := keyring.New(ctx, st, keyring.WithSigner(kms))
	if err != nil {
		log.Fatal(err)
	}
	defer ring.Close()

	stored := must(st.ListSigningKeys(ctx))
	fmt.Println("keys stored:", len(stored), "with a private part:", stored[0].PrivateKey != nil)
	fmt.Println("signs with it:", ring.KeySet().SigningKey().ID() == stored[0].KID)
	// Output:
	// keys stored: 1 with a private part: false
	// signs with it: true
}
