package secret

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// redacted is what a Secret shows wherever it is printed: the prefix and
// the public id, with the value replaced.
func (s Secret) redacted() string {
	if s.v == nil {
		return Prefix + "<none>"
	}
	return Prefix + s.ID() + "_<redacted>"
}

// String returns the prefix and public id with the value redacted, such as
// "oqcs_abcd2345_<redacted>".
func (s Secret) String() string { return s.redacted() }

// GoString is what %#v prints: the redacted form, never the value.
func (s Secret) GoString() string { return "secret.Secret(" + strconv.Quote(s.redacted()) + ")" }

// Format prints the redacted form for every verb and flag: %q quotes it,
// %#v gives GoString, and every other verb (%v, %s, %x, %d...) writes it as
// it is.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, s.GoString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(s.redacted()))
	default:
		_, _ = io.WriteString(f, s.redacted())
	}
}

// MarshalText returns the redacted form. There is deliberately no
// UnmarshalText: a secret comes in through Parse only.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// MarshalJSON returns the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.redacted())), nil }

// LogValue makes slog log the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }
