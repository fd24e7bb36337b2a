package secret

// Defaults of the Argon2id options: the OWASP minimum for Argon2id.
const (
	defaultArgon2Time    = 2
	defaultArgon2Memory  = 19 * 1024 // KiB
	defaultArgon2Threads = 1
)

// Option sets a parameter of an Argon2id hasher; see NewArgon2id.
type Option func(*Argon2id)

// WithArgon2Time sets the number of passes over the memory. Default 2;
// allowed 1 to 64.
func WithArgon2Time(passes uint32) Option {
	return func(a *Argon2id) { a.time = passes }
}

// WithArgon2Memory sets the memory in KiB. Default 19456 (19 MiB); allowed
// 8 KiB per lane to 1 GiB.
func WithArgon2Memory(kib uint32) Option {
	return func(a *Argon2id) { a.memory = kib }
}

// WithArgon2Threads sets the number of lanes (and goroutines) per hash.
// Default 1; allowed 1 to 255.
func WithArgon2Threads(lanes uint8) Option {
	return func(a *Argon2id) { a.threads = lanes }
}
