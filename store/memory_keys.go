package store

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
)

// memoryKeys is the signing-key table of Memory. Its zero value is empty
// and ready.
type memoryKeys struct {
	mu   sync.Mutex
	byID map[string]SigningKey
}

var _ SigningKeys = (*Memory)(nil)

// CreateSigningKey stores a copy of key with Version 1 and returns a copy
// of it. Subscribers of Watch hear of it as SigningKeyChanged.
func (m *Memory) CreateSigningKey(ctx context.Context, key SigningKey) (SigningKey, error) {
	if err := ctx.Err(); err != nil {
		return SigningKey{}, err
	}
	if err := checkSigningKey(key); err != nil {
		return SigningKey{}, err
	}
	stored := cloneSigningKey(key)
	stored.Version = 1
	k := &m.keys
	k.mu.Lock()
	if _, taken := k.byID[key.KID]; taken {
		k.mu.Unlock()
		return SigningKey{}, fmt.Errorf("%w: signing key %s", ErrAlreadyExists, key.KID)
	}
	for _, o := range k.byID {
		if o.Generation == key.Generation {
			k.mu.Unlock()
			return SigningKey{}, fmt.Errorf("%w: signing key generation %d", ErrAlreadyExists, key.Generation)
		}
	}
	if k.byID == nil {
		k.byID = make(map[string]SigningKey)
	}
	k.byID[key.KID] = stored
	k.mu.Unlock()

	m.watchers.notify(Change{Kind: SigningKeyChanged, KID: key.KID})
	return cloneSigningKey(stored), nil
}

// ListSigningKeys returns copies of every key in ascending Generation.
func (m *Memory) ListSigningKeys(ctx context.Context) ([]SigningKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := &m.keys
	k.mu.Lock()
	out := make([]SigningKey, 0, len(k.byID))
	for _, key := range k.byID {
		out = append(out, cloneSigningKey(key))
	}
	k.mu.Unlock()
	slices.SortFunc(out, func(a, b SigningKey) int { return cmp.Compare(a.Generation, b.Generation) })
	return out, nil
}

// UpdateSigningKey replaces PrivateKey and SignFrom of the stored key if its
// version matches. Subscribers of Watch hear of it as SigningKeyChanged.
func (m *Memory) UpdateSigningKey(ctx context.Context, key SigningKey) (SigningKey, error) {
	if err := ctx.Err(); err != nil {
		return SigningKey{}, err
	}
	k := &m.keys
	k.mu.Lock()
	old, ok := k.byID[key.KID]
	if !ok {
		k.mu.Unlock()
		return SigningKey{}, fmt.Errorf("%w: signing key %s", ErrNotFound, key.KID)
	}
	if old.Version != key.Version {
		k.mu.Unlock()
		return SigningKey{}, fmt.Errorf("%w: signing key %s has version %d, not %d", ErrConflict, key.KID, old.Version, key.Version)
	}
	next := old
	next.PrivateKey = bytes.Clone(key.PrivateKey)
	next.SignFrom = key.SignFrom
	next.Version++
	k.byID[key.KID] = next
	k.mu.Unlock()

	m.watchers.notify(Change{Kind: SigningKeyChanged, KID: key.KID})
	return cloneSigningKey(next), nil
}

// DeleteSigningKey removes the key. Subscribers of Watch hear of it as
// SigningKeyChanged.
func (m *Memory) DeleteSigningKey(ctx context.Context, kid string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := &m.keys
	k.mu.Lock()
	if _, ok := k.byID[kid]; !ok {
		k.mu.Unlock()
		return fmt.Errorf("%w: signing key %s", ErrNotFound, kid)
	}
	delete(k.byID, kid)
	k.mu.Unlock()

	m.watchers.notify(Change{Kind: SigningKeyChanged, KID: kid})
	return nil
}

// checkSigningKey is the ErrInvalid rule of CreateSigningKey.
func checkSigningKey(key SigningKey) error {
	switch {
	case key.KID == "":
		return fmt.Errorf("%w: empty signing key id", ErrInvalid)
	case key.Generation < 1:
		return fmt.Errorf("%w: signing key generation %d is below 1", ErrInvalid, key.Generation)
	case len(key.PublicKey) == 0:
		return fmt.Errorf("%w: signing key %s has no public key", ErrInvalid, key.KID)
	}
	return nil
}

// cloneSigningKey returns a copy of k that shares no byte slice with it.
func cloneSigningKey(k SigningKey) SigningKey {
	k.PublicKey = bytes.Clone(k.PublicKey)
	k.PrivateKey = bytes.Clone(k.PrivateKey)
	return k
}
