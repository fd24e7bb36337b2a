// Package keyring keeps the token signing keys of every instance of a
// service in step through the store they share, so that a token one
// instance issues verifies on all of them, survives restarts, and a key is
// rotated without a token failing anywhere. A key is published in every
// JWKS document (RFC 7517) before it signs, signs, is retired when its
// successor signs, and is removed once the last token it signed has
// expired; each stage is a function of the stored records and the clock,
// so instances agree without talking to each other. Private keys are
// stored sealed with AES-256-GCM (NIST SP 800-38D) under a key-encryption
// key the host supplies, or stay in a KMS or HSM (WithSigner).
//
// # Where to start
//
// New reads the keys from a store.SigningKeys (the memory store, or
// store/postgres for many processes), creating the first if there is
// none, and returns a Ring whose KeySet goes to oauthapp.New. Give every
// instance the same WithKeyEncryptionKey; Rotate rotates at once, and
// WithRotation and WithMaxTokenTTL tune the schedule.
//
// # What it trusts
//
// It trusts the key-encryption keys and signers it is given, and the
// clock; not the store's records. A record whose sealed key does not
// authenticate (the kid, algorithm and public key are the seal's
// associated data), whose private and public keys differ, or that has no
// sealed key and a public key none of its signers holds, is refused with
// an error naming its kid (Refused) while the others keep working. A
// different key-encryption key is ErrForeignKEK before anything is
// written. No error or log line of this package holds key material.
package keyring
