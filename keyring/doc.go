// Package keyring keeps the token signing keys of every instance of a
// service in step through the store they share, so that a token one
// instance issues verifies on all of them, survives restarts, and a key is
// rotated without a token failing anywhere.
//
// A Ring reads the keys from a store.SigningKeys (the memory store, or
// store/postgres for many processes) and keeps a token.KeySet, which the
// service signs and verifies with in memory: nothing on the request path
// reads the store. A key goes through four stages, each a function of the
// stored records and the clock, so every instance reaches the same state
// without talking to the others:
//
//  1. created and published: in the JWKS document (RFC 7517) of every
//     instance within milliseconds (store.Watcher; WithResync bounds it
//     without notifications), not signing yet;
//  2. signing, from its SignFrom time, WithRotation's lead after it was
//     created, so that a resource server caching the JWKS knows the kid
//     before any token carries it;
//  3. retired, verifying only, once the key of the next generation signs;
//  4. removed, once the last token it signed has expired (WithMaxTokenTTL
//     plus WithLeeway after retirement).
//
// To withdraw a key at once (it leaked), delete its record from the store:
// every instance drops it within the notification time, and the tokens it
// signed stop validating. If it was signing, the newest remaining key
// that is due signs instead, or else the next one early; a store left with
// no key gets a new one that signs at once.
//
// The successor of a key is created when the key has signed for the
// rotation period minus the lead (30 days and 1 hour by default), or at
// once by Rotate. Keys carry a generation, unique in the store: when
// several instances create the successor at once, exactly one create
// succeeds, and the others use its key.
//
// Private keys are stored sealed: AES-256-GCM (NIST SP 800-38D, standard
// library) under a key-encryption key the host supplies
// (WithKeyEncryptionKey), with the kid, algorithm and public key as
// associated data, so sealed bytes cannot be moved to another record. The
// sealed form names the key-encryption key by an id derived from it, so
// that a new one can be rolled out while the old one still opens, and a
// wrong one is a clear error (ErrForeignKEK) before anything is written.
// Without a key-encryption key the ring stores no private key at all. A
// crypto.Signer (a KMS, an HSM) may be the signing key instead
// (WithSigner); the store then holds only its public key.
//
// What it trusts: the key-encryption keys and the signers it is given, and
// the clock. What it does not: the store's records. A record whose sealed
// key does not authenticate, whose private and public keys differ, or that
// has no sealed key and a public key none of its signers holds, is refused
// with an error naming its kid (Refused) while the others keep working. No error or log line of this package holds key material,
// sealed or not.
package keyring
