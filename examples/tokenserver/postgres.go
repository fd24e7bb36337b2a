package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/postgres"
	"github.com/oauthapps/oauthapps/token"
)

// kekEnv names the environment variable that holds the key-encryption key
// of the signing keys stored in PostgreSQL: 32 bytes in standard base64.
const kekEnv = "OAUTHAPPS_KEY_ENCRYPTION_KEY"

// backendFlags are the flags that choose where apps and keys are kept.
type backendFlags struct {
	dsn       *string
	issuer    *string
	keyPeriod *time.Duration
	keyLead   *time.Duration
}

func addBackendFlags(flags *flag.FlagSet) *backendFlags {
	return &backendFlags{
		dsn:       flags.String("postgres", "", "PostgreSQL connection string: keep apps, revocations and signing keys there, shared by every instance (runs the migrations); the key-encryption key comes from $"+kekEnv),
		issuer:    flags.String("issuer", "", "issuer URL shared by every instance of one deployment, such as its load balancer's URL (default: this server's own URL)"),
		keyPeriod: flags.Duration("key-rotation", keyring.DefaultRotationPeriod, "with -postgres: how long each signing key signs before the next one takes over"),
		keyLead:   flags.Duration("key-lead", keyring.DefaultPublishLead, "with -postgres: how long a new signing key is published before it signs"),
	}
}

// backend is where the server keeps apps and signing keys.
type backend struct {
	store store.Store
	keys  *token.KeySet
	ring  *keyring.Ring // nil on memory
	// kek seals the signing keys and the answers kept for
	// Idempotency-Keys; nil on memory.
	kek   []byte
	close func()
}

// openBackend returns the memory store with a key made for this process,
// or, with -postgres, the PostgreSQL store (migrated first) with the key
// ring every instance on it shares.
func openBackend(ctx context.Context, f *backendFlags, logger *slog.Logger) (*backend, error) {
	if *f.dsn == "" {
		key, err := token.GenerateKey(token.EdDSA)
		if err != nil {
			return nil, err
		}
		keys, err := token.NewKeySet(key)
		if err != nil {
			return nil, err
		}
		return &backend{store: store.NewMemory(), keys: keys, close: func() {}}, nil
	}
	encoded, ok := os.LookupEnv(kekEnv)
	if !ok {
		return nil, fmt.Errorf("-postgres needs $%s: 32 random bytes in standard base64 (openssl rand -base64 32), the same for every instance", kekEnv)
	}
	kek, err := keyring.DecodeKEK(encoded)
	if err != nil {
		return nil, fmt.Errorf("$%s: %w", kekEnv, err)
	}
	pool, err := pgxpool.New(ctx, *f.dsn)
	if err != nil {
		// pgx's parse errors may quote the connection string, password
		// included: say only that it did not parse.
		return nil, errors.New("-postgres: the connection string does not parse")
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	st, err := postgres.New(ctx, pool, postgres.WithListenErrors(func(err error) {
		logger.Warn("postgres: notifications interrupted; reconnecting", "error", err)
	}))
	if err != nil {
		pool.Close()
		return nil, err
	}
	ring, err := keyring.New(ctx, st,
		keyring.WithKeyEncryptionKey(kek),
		keyring.WithRotation(*f.keyPeriod, *f.keyLead),
		keyring.WithResync(time.Second),
		keyring.WithLogger(logger))
	if err != nil {
		st.Close()
		pool.Close()
		return nil, err
	}
	stopSignals := rotateOnSignal(ctx, ring, logger)
	return &backend{store: st, keys: ring.KeySet(), ring: ring, kek: kek, close: func() {
		stopSignals()
		_ = ring.Close()
		st.Close()
		pool.Close()
	}}, nil
}
