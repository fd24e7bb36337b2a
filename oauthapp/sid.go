package oauthapp

import (
	"crypto/rand"
	"encoding/hex"
)

// appSIDPrefix begins every app SID, the OAuth client id: "OQ" + 32
// lowercase hex.
const appSIDPrefix = "OQ"

const sidLen = 34

// MaxHostIDLen is the longest account or user id the service takes, in
// bytes.
const MaxHostIDLen = 64

// ParseAccountSID checks that s is an account id of the host service. The
// library never interprets such an id; it compares it exactly. It must be 1
// to MaxHostIDLen bytes, start with an ASCII letter or digit, and continue
// with ASCII letters, digits and the characters - . _ ~ : @ + =. A UUID,
// an integer, an e-mail address or a Twilio-style "AC" SID all fit. The
// set is chosen so that an id is one segment of a URL path that no client
// or server rewrites (the route catalog's {AccountSid} compares it as it
// appears in the path), and needs no quoting in a header, a JSON string or
// a log line.
func ParseAccountSID(s string) (string, error) { return parseHostID("account SID", s) }

// ParseUserSID checks that s is a user id of the host service, under the
// rules of ParseAccountSID.
func ParseUserSID(s string) (string, error) { return parseHostID("user SID", s) }

// ParseAppSID checks that s is an app SID, which is also the app's OAuth
// client_id ("OQ" + 32 lowercase hex).
func ParseAppSID(s string) (string, error) { return parseSID("app SID", appSIDPrefix, s) }

// parseAppSID is ParseAppSID for a call's appSID parameter.
func parseAppSID(s string) error {
	if !isSID(appSIDPrefix, s) {
		return invalidArg("appSID", "app SID: %w", errSIDFormat)
	}
	return nil
}

func parseSID(what, prefix, s string) (string, error) {
	if !isSID(prefix, s) {
		return "", invalidArgument("%s: %w", what, errSIDFormat)
	}
	return s, nil
}

func parseHostID(what, s string) (string, error) {
	if !isHostID(s) {
		return "", invalidArgument("%s: %w", what, errHostIDFormat)
	}
	return s, nil
}

func isSID(prefix, s string) bool {
	if len(s) != sidLen || s[:2] != prefix {
		return false
	}
	for i := 2; i < sidLen; i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// hostIDChar marks the bytes an account or user id may hold after its
// first, which must be a letter or a digit.
var hostIDChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "-._~:@+=" {
		t[c] = true
	}
	return t
}()

// isHostID reports whether s is a well-formed account or user id.
func isHostID(s string) bool {
	if len(s) == 0 || len(s) > MaxHostIDLen {
		return false
	}
	if c := s[0]; (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !hostIDChar[s[i]] {
			return false
		}
	}
	return true
}

// newSID returns a fresh random SID with the given two-letter prefix.
func newSID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + hex.EncodeToString(b[:])
}
