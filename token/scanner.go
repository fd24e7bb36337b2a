package token

import (
	"fmt"
	"unicode/utf8"
)

// maxDepth bounds the nesting of arrays and objects inside a member this
// package does not read; tokens nest one or two levels in practice.
const maxDepth = 64

var (
	errSyntax    = fmt.Errorf("%w: invalid JSON", ErrMalformed)
	errUTF8      = fmt.Errorf("%w: invalid UTF-8 or lone surrogate in JSON string", ErrMalformed)
	errDepth     = fmt.Errorf("%w: JSON nested deeper than %d", ErrMalformed, maxDepth)
	errDuplicate = fmt.Errorf("%w: duplicate JSON member", ErrMalformed)
)

// plain marks the bytes a string holds as themselves: printable ASCII but
// the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanner is a strict RFC 8259 reader over one JSON text held in a string.
// Strings without escapes come back as substrings of it, so decoding the
// claims costs one allocation for the whole payload plus one per escaped
// string.
type scanner struct {
	s string
	i int
}

// ws skips insignificant whitespace.
func (d *scanner) ws() {
	if d.i < len(d.s) && d.s[d.i] > ' ' {
		return // the common case: no whitespace at all
	}
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// consume skips whitespace and then c, reporting whether c was there.
func (d *scanner) consume(c byte) bool {
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (d *scanner) peek() byte {
	d.ws()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

// end checks that only whitespace is left.
func (d *scanner) end() error {
	d.ws()
	if d.i != len(d.s) {
		return errSyntax
	}
	return nil
}

// object reads a whole object, calling member with each name (unescaped),
// its bit, and the scanner placed before its value; member must read the
// value. Names must be distinct: up to 32 known names are tracked by their
// bit (from bit; 0 for other names), other names are compared one by one.
func (d *scanner) object(bit func(name string) uint32, member func(name string, bit uint32) error) error {
	if !d.consume('{') {
		return errSyntax
	}
	if d.consume('}') {
		return nil
	}
	var seen uint32
	var others []string
	for {
		name, err := d.str()
		if err != nil {
			return err
		}
		b := bit(name)
		if b != 0 {
			if seen&b != 0 {
				return errDuplicate
			}
			seen |= b
		} else {
			for _, o := range others {
				if o == name {
					return errDuplicate
				}
			}
			others = append(others, name)
		}
		if !d.consume(':') {
			return errSyntax
		}
		if err := member(name, b); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if d.consume('}') {
			return nil
		}
		return errSyntax
	}
}

// null consumes a null literal if one is next.
func (d *scanner) null() bool {
	if d.peek() == 'n' && len(d.s)-d.i >= 4 && d.s[d.i:d.i+4] == "null" {
		d.i += 4
		return true
	}
	return false
}

// str reads a string and returns its value.
func (d *scanner) str() (string, error) {
	if d.peek() != '"' {
		return "", errSyntax
	}
	start := d.i + 1
	for j := start; j < len(d.s); {
		c := d.s[j]
		if plain[c] {
			j++
			continue
		}
		switch {
		case c == '"':
			d.i = j + 1
			return d.s[start:j], nil
		case c == '\\':
			return d.strEscaped(start, j)
		case c < 0x20:
			return "", errSyntax
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRuneInString(d.s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", errUTF8
			}
			j += size
		}
	}
	return "", errSyntax
}

// strEscaped finishes a string whose first escape is at j.
func (d *scanner) strEscaped(start, j int) (string, error) {
	buf := make([]byte, 0, len(d.s)-start)
	buf = append(buf, d.s[start:j]...)
	for j < len(d.s) {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return string(buf), nil
		case c < 0x20:
			return "", errSyntax
		case c < utf8.RuneSelf && c != '\\':
			buf = append(buf, c)
			j++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(d.s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", errUTF8
			}
			buf = append(buf, d.s[j:j+size]...)
			j += size
		default: // backslash
			if j+1 >= len(d.s) {
				return "", errSyntax
			}
			e := d.s[j+1]
			j += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, n, err := d.escapedRune(j)
				if err != nil {
					return "", err
				}
				buf = utf8.AppendRune(buf, r)
				j = n
			default:
				return "", errSyntax
			}
		}
	}
	return "", errSyntax
}

// escapedRune reads the four hex digits of a \u escape at j (and a second
// escape after it for a surrogate pair) and returns the rune and the index
// after it. A lone surrogate is an error: it has no UTF-8 form.
func (d *scanner) escapedRune(j int) (rune, int, error) {
	r, ok := hex4(d.s, j)
	if !ok {
		return 0, 0, errSyntax
	}
	j += 4
	switch {
	case r < 0xd800 || r > 0xdfff:
		return r, j, nil
	case r >= 0xdc00:
		return 0, 0, errUTF8
	}
	if j+6 > len(d.s) || d.s[j] != '\\' || d.s[j+1] != 'u' {
		return 0, 0, errUTF8
	}
	lo, ok := hex4(d.s, j+2)
	if !ok {
		return 0, 0, errSyntax
	}
	if lo < 0xdc00 || lo > 0xdfff {
		return 0, 0, errUTF8
	}
	return 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00), j + 6, nil
}

// hex4 parses four hex digits at s[j:].
func hex4(s string, j int) (rune, bool) {
	if j+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[j : j+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a number per the RFC 8259 grammar and returns its text.
func (d *scanner) number() (string, error) {
	d.ws()
	start := d.i
	s := d.s
	i := start
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return "", errSyntax
	}
	if i < len(s) && s[i] == '.' {
		if i = digits(s, i+1); s[i-1] == '.' {
			return "", errSyntax
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return "", errSyntax
		}
		i = j
	}
	d.i = i
	return s[start:i], nil
}

// digits returns the index after the run of digits starting at i.
func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// skip reads and discards one value of any kind.
func (d *scanner) skip(depth int) error {
	switch c := d.peek(); c {
	case '"':
		_, err := d.str()
		return err
	case '{', '[':
		if depth >= maxDepth {
			return errDepth
		}
		return d.skipContainer(c, depth+1)
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	_, err := d.number()
	return err
}

// skipContainer discards an object or an array. Names inside nested objects
// are checked for syntax only.
func (d *scanner) skipContainer(open byte, depth int) error {
	d.i++
	closing := byte(']')
	if open == '{' {
		closing = '}'
	}
	if d.consume(closing) {
		return nil
	}
	for {
		if open == '{' {
			if _, err := d.str(); err != nil {
				return err
			}
			if !d.consume(':') {
				return errSyntax
			}
		}
		if err := d.skip(depth); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if d.consume(closing) {
			return nil
		}
		return errSyntax
	}
}

func (d *scanner) literal(word string) error {
	if len(d.s)-d.i < len(word) || d.s[d.i:d.i+len(word)] != word {
		return errSyntax
	}
	d.i += len(word)
	return nil
}
