// Package secret makes, checks and rotates OAuth client secrets.
//
// A client secret is the password of a confidential client in the OAuth 2.0
// client credentials grant (RFC 6749 section 4.4); the client presents it to
// the token endpoint with client_secret_basic or client_secret_post (RFC 6749
// section 2.3.1). This package covers the secret itself and the state an app
// keeps about its secrets; it does no I/O, keeps no clock (every
// time-dependent call takes now) and never logs.
//
// # Secrets
//
// Generate reads 40 bytes (320 bits) from crypto/rand, 5 bytes (40 bits)
// for the public id and 35 (280 bits) for the secret body, and writes them
// as
//
//	oqcs_<id>_<body><checksum>
//
// where id is a short public identifier (8 characters, safe to log and to
// put in a token), body is the random part (56 characters) and checksum is a
// CRC-32 of everything before it (7 characters). The fixed prefix and shape
// (see Pattern) let leak scanners find secrets pasted where they should not
// be; the checksum lets Parse reject a mistyped or truncated secret without
// reading a store. The checksum is not a security measure: it only catches
// accidents.
//
// A Secret never prints itself: String, Format, the JSON and text
// marshallers and slog all show only the public id. Reveal is the one way
// to get the value, and a caller shows it once (when the app is created or
// its secret rotated) and stores only a hash.
//
// # Hashes
//
// A Hasher turns a secret into a self-describing hash string for the store.
// The default, SHA256, is right for these secrets: they are uniformly random
// with 280 bits of entropy, so there is nothing for a slow key-derivation
// function to protect, while its cost (tens of milliseconds) would be paid by
// the token endpoint on every request. Argon2id is offered for deployments
// whose policy demands a KDF. Every stored hash names its algorithm and
// parameters, so both kinds can sit in one store and Compare picks the right
// check from the hash itself. Comparisons run in constant time. After a
// switch of hashers, Credentials.Rehash replaces an old hash when its secret
// is next presented and verifies (the only time the secret is at hand), and
// NeedsRehash says, without a comparison, when that is due (see Rehasher).
//
// # Rotation
//
// Credentials are the two slots an app keeps: the current secret and, for a
// grace period after a rotation, the previous one (rules R8 and R9 of the
// design). Rotate makes a new current secret; the old current becomes the
// previous one until now+grace, and a previous secret still inside its grace
// is dropped at once, so never more than two secrets verify. A grace of 0
// drops the old current immediately: the compromise button. Verify costs
// exactly one hash comparison whatever the outcome, and Decoy gives a caller
// the same cost for a client that does not exist (for clients whose hash is
// of the decoy's kind: see Decoy).
//
// Credentials are values: every method returns a new value and leaves its
// receiver alone, so a caller can try a change and throw it away. Records
// and FromRecords move them to and from the plain records of a store.
//
// # Trust
//
// The package trusts crypto/rand and the caller's clock. It does not trust
// presented secrets (Parse checks shape and checksum and never echoes its
// input) nor records read back from a store (FromRecords validates them and
// Compare bounds the Argon2id parameters it will run).
//
// # Where to start
//
// A service rarely calls this package: oauthapp generates, hashes, verifies
// and rotates secrets. Parse checks a secret's shape and checksum offline
// (ExampleParse_errorChecking); oauthapp.WithHasher with NewArgon2id or
// the SHA-256 default chooses how secrets are hashed.
package secret
