package keyring

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// externalKey is a signer of WithSigner with its stored public key.
type externalKey struct {
	signer crypto.Signer
	key    *token.Key
	public []byte // PEM, as stored
}

// external returns the signer whose public key the record holds, or nil.
func (r *Ring) external(rec *store.SigningKey) *externalKey {
	for _, ext := range r.exts {
		if bytes.Equal(rec.PublicKey, ext.public) {
			return ext
		}
	}
	return nil
}

// open returns the key of a record, from the cache when this version was
// opened before. A refusal is logged once per version.
func (r *Ring) open(rec *store.SigningKey) (*token.Key, error) {
	c, cached := r.opened[rec.KID]
	if cached && c.version == rec.Version {
		return c.key, c.err
	}
	k, err := r.openRecord(rec)
	if err != nil && errors.Is(err, ErrForeignKEK) && cached && c.err == nil && c.key.CanSign() == (rec.PrivateKey != nil) {
		// Re-sealed by an instance that already has a newer
		// key-encryption key: the key itself cannot have changed (an
		// update changes only the seal and SignFrom), so the copy opened
		// before stays good. A restart would fail until this instance
		// gets the new key-encryption key.
		r.cfg.logger.Warn("keyring: key re-sealed under a key-encryption key this instance does not hold; keeping the copy it opened", "kid", rec.KID, "error", err)
		k, err = c.key, nil
	}
	r.opened[rec.KID] = openedKey{version: rec.Version, key: k, err: err}
	if err != nil {
		r.cfg.logger.Error("keyring: key refused", "kid", rec.KID, "error", err)
	}
	return k, err
}

// openRecord builds the key of a record: the external signer's key when
// the record holds its public key (a record without a private part and
// with another public key is refused), else the opened private key, which
// must match the record's algorithm and public key.
func (r *Ring) openRecord(rec *store.SigningKey) (*token.Key, error) {
	if rec.PrivateKey == nil {
		// Nothing seals such a record, so nothing but this instance's own
		// signers vouches for its public key: a key added to the store by
		// anyone else is refused, not trusted to verify tokens.
		ext := r.external(rec)
		if ext == nil {
			return nil, fmt.Errorf("%w: it has no sealed private key, and its public key is not one of this instance's signers (WithSigner)", ErrUnopenable)
		}
		if string(ext.key.Algorithm()) != rec.Algorithm {
			return nil, fmt.Errorf("%w: the public key is not of the record's algorithm", ErrUnopenable)
		}
		if rec.KID == ext.key.ID() {
			return ext.key, nil
		}
		return token.NewSignerKey(rec.KID, ext.signer)
	}
	plain, err := r.sealer.open(rec.KID, rec.Algorithm, rec.PublicKey, rec.PrivateKey)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	k, err := token.ParsePrivateKeyPEM(rec.KID, plain)
	if err != nil {
		return nil, fmt.Errorf("%w: the opened private key does not parse", ErrUnopenable)
	}
	pub, err := k.MarshalPublicKeyPEM()
	if err != nil || string(k.Algorithm()) != rec.Algorithm || !bytes.Equal(pub, rec.PublicKey) {
		return nil, fmt.Errorf("%w: the private key does not match the record's algorithm and public key", ErrUnopenable)
	}
	return k, nil
}

// newExternalKey builds the key of WithSigner under its RFC 7638 JWK
// thumbprint, so that every instance given the same signer names it alike.
func newExternalKey(signer crypto.Signer) (*externalKey, error) {
	probe, err := token.NewSignerKey("probe", signer)
	if err != nil {
		return nil, fmt.Errorf("%w: WithSigner: %w", ErrInvalidOption, err)
	}
	kid := probe.Thumbprint()
	if kid == "" {
		return nil, fmt.Errorf("%w: WithSigner: the signer's key has no public form", ErrInvalidOption)
	}
	key, err := token.NewSignerKey(kid, signer)
	if err != nil {
		return nil, fmt.Errorf("%w: WithSigner: %w", ErrInvalidOption, err)
	}
	public, err := key.MarshalPublicKeyPEM()
	if err != nil {
		return nil, fmt.Errorf("%w: WithSigner: %w", ErrInvalidOption, err)
	}
	return &externalKey{signer: signer, key: key, public: public}, nil
}
