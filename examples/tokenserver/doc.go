// Command tokenserver is a complete OAuth apps server on the in-memory
// store, or on PostgreSQL shared by several instances: the token endpoint (client credentials, RFC 6749 section 4.4),
// RFC 8414 metadata, the JWKS document, RFC 7662 introspection and RFC 7009
// revocation, a small demo API under /v1 protected by bearer tokens, the
// management API of OAuth apps (package adminhttp) under /v1/Account, and
// the console's pages (package console) under /console.
//
// Usage:
//
//	tokenserver [-addr 127.0.0.1:8080] [-demo] [-issuer URL] [-metrics 127.0.0.1:9090]
//	            [-postgres DSN [-key-rotation 720h] [-key-lead 1h]]
//	            [-trusted-proxies CIDR,... [-forwarded-header X-Forwarded-For]] [-read-timeout 10s]
//
// -addr may be ":0" or "127.0.0.1:0" for a free port; the issuer and every
// URL the server publishes use the address it actually listens on. With
// -demo it creates one account, one Owner and one app allowed to list and
// read messages, and once it is listening prints one line of JSON on
// standard output with the keys token_url, jwks_url, metadata_url,
// api_base, account_sid, client_id and client_secret, and, for the
// management API, admin_base (the OAuthApps collection URL), admin_token (a
// bearer token the server maps to the demo Owner) and admin_openapi (the
// API's OpenAPI document), and console_url, a link that signs a browser in
// to the console as the demo Owner, once. Logs go to standard error, audit
// events among them (oauthapp.SlogAudit). SIGINT or SIGTERM shuts it down
// cleanly.
//
// With -metrics ADDR it also serves the library's OpenTelemetry metrics
// (package oauthotel) in the Prometheus text format at /metrics on ADDR,
// through the OpenTelemetry Prometheus exporter, on a listener of its own
// so that the metrics need not be public; the demo line then also has
// metrics_url.
//
// -issuer sets the issuer of the tokens and the base of the published URLs;
// every instance of one deployment shares it (by default each names its
// own listen address, and instances refuse each other's tokens).
//
// Behind a reverse proxy (which terminates TLS), -trusted-proxies lists the
// proxies' addresses as CIDR prefixes, such as 10.0.0.0/8: the failure
// limiter then counts each request under the client address the proxy
// appends to -forwarded-header (X-Forwarded-For by default, or Forwarded)
// instead of the proxy's own, which every client would share
// (oauthhttp.WithTrustedProxies). By default no header is believed.
//
// A client must send a whole request within -read-timeout (10 s); a
// slower one, such as one trickling a body a byte at a time, is dropped.
// Idle connections close after a minute.
//
// -postgres keeps apps, revocations and signing keys in PostgreSQL (the
// migrations run at start), so that any number of instances serve as one:
// a token from one is accepted by all, and survives restarts. The signing
// keys are stored sealed under the key-encryption key in the environment
// variable OAUTHAPPS_KEY_ENCRYPTION_KEY (32 bytes in standard base64, the
// same for every instance; openssl rand -base64 32 makes one). They rotate
// every -key-rotation, each new key published -key-lead before it signs;
// SIGUSR1 rotates at once. With -demo it creates the demo app in the
// database and prints the same line; without, it creates nothing.
package main
