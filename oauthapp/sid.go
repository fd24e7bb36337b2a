package oauthapp

import (
	"crypto/rand"
	"encoding/hex"
)

// SID prefixes. A SID is its two-letter prefix followed by 32 lowercase hex
// digits.
const (
	AccountSIDPrefix = "AC"
	UserSIDPrefix    = "US"
	AppSIDPrefix     = "OQ"
)

const sidLen = 34

// ParseAccountSID checks that s is an account SID ("AC" + 32 lowercase hex).
func ParseAccountSID(s string) (string, error) { return parseSID("account SID", AccountSIDPrefix, s) }

// ParseUserSID checks that s is a user SID ("US" + 32 lowercase hex).
func ParseUserSID(s string) (string, error) { return parseSID("user SID", UserSIDPrefix, s) }

// ParseAppSID checks that s is an app SID, which is also the app's OAuth
// client_id ("OQ" + 32 lowercase hex).
func ParseAppSID(s string) (string, error) { return parseSID("app SID", AppSIDPrefix, s) }

func parseSID(what, prefix, s string) (string, error) {
	if !isSID(prefix, s) {
		return "", invalidArgument("%s: %w", what, errSIDFormat)
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

// NewSID returns a fresh random SID with the given two-letter prefix. Tests
// and examples use it to make account and user SIDs.
func NewSID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + hex.EncodeToString(b[:])
}
