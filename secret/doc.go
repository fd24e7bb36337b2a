// Package secret makes, checks and rotates OAuth client secrets: the
// password of a confidential client in the client credentials grant (RFC
// 6749 section 4.4), presented with client_secret_basic or
// client_secret_post (section 2.3.1). It covers the secret itself (Secret,
// Generate, Parse), its hash for the store (Hasher: SHA256 by default,
// Argon2id on request) and the two slots an app keeps during a rotation
// (Credentials). It does no I/O, keeps no clock (every time-dependent call
// takes now) and never logs.
//
// # Where to start
//
// A service rarely calls this package: oauthapp generates, hashes, verifies
// and rotates secrets. Parse checks a secret's shape and checksum offline
// (ExampleParse_errorChecking); oauthapp.WithHasher with NewArgon2id or
// the SHA-256 default chooses how secrets are hashed.
//
// # What it trusts
//
// The package trusts crypto/rand and the caller's clock. It does not trust
// presented secrets (Parse checks shape and checksum and never echoes its
// input) nor records read back from a store (FromRecords validates them and
// Compare bounds the Argon2id parameters it will run). A Secret never
// prints itself; Reveal is the one way to its value. Comparisons run in
// constant time, and Verify costs one hash comparison whatever the outcome
// (Decoy gives the same cost for a client that does not exist).
package secret
