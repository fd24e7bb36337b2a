// Package loadproto is what cmd/loadserver tells cmd/load: the one JSON
// line the server prints on standard output once it listens. Both commands
// read and write it through these types, so the two sides cannot disagree
// on a field.
package loadproto

// Ready is the line a server prints once it listens.
type Ready struct {
	// Addr is the host:port the server listens on.
	Addr string `json:"addr"`
	// Account is the account whose messages the API call reads.
	Account string `json:"account"`
	// Clients are the credentials of the clients a load run may use.
	Clients []Client `json:"clients"`
	// Apps is how many apps (clients) the server holds in all.
	Apps int `json:"apps"`
	// ReadyMillis is the time from process start to listening.
	ReadyMillis float64 `json:"ready_ms"`
	// HeapBytes is the live heap after a full GC, once ready.
	HeapBytes uint64 `json:"heap_bytes"`
}

// Client is one client's credentials.
type Client struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}
