package oauthapp

import (
	"strings"
	"time"
)

// String describes the secret for a person, without revealing it: its
// id, whether it is current, when it was created, when it expires and
// when it was last used, with "never" for a zero Expires or LastUsed,
// times in UTC (RFC 3339). For example:
//
//	secret abcd2345 (current): created 2026-01-02T03:04:05Z, expires never, last used never
func (i SecretInfo) String() string {
	var b strings.Builder
	b.WriteString("secret ")
	b.WriteString(i.ID)
	if i.Current {
		b.WriteString(" (current)")
	} else {
		b.WriteString(" (previous)")
	}
	b.WriteString(": created ")
	b.WriteString(whenOrNever(i.Created))
	b.WriteString(", expires ")
	b.WriteString(whenOrNever(i.Expires))
	b.WriteString(", last used ")
	b.WriteString(whenOrNever(i.LastUsed))
	return b.String()
}

// whenOrNever is t in UTC as RFC 3339, or "never" for the zero time.
func whenOrNever(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
