package adminhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/oauthapps/oauthapps/internal/strictjson"
)

// members lists the names a body object may hold, each with the names its
// own object value, or each object of its array value, may hold (nil when
// the value is neither).
type members map[string]members

var (
	keyMembers        = members{"id": nil, "algorithm": nil, "public_key": nil}
	credentialMembers = members{"name": nil, "issuer": nil, "subject": nil, "audience": nil, "description": nil}
	appMembers        = members{
		"type": nil, "region": nil, "friendly_name": nil, "description": nil,
		"policy": {"allow": nil, "deny": nil}, "access_token_ttl": nil, "default_grace_period": nil,
		"resources": nil, "client_keys": keyMembers, "no_secret": nil, "dpop_bound_access_tokens": nil,
		"federated_credentials": credentialMembers,
	}
	rotateMembers = members{"grace_period": nil}
)

// decode reads a JSON object body into v, refusing members it does not
// know (spelled exactly: encoding/json alone would take "Friendly_Name"
// for "friendly_name"), members given twice, values of the wrong type,
// and anything after the object. The problem names the member at fault
// where there is one.
func decode(body []byte, v any, known members) *response {
	if p := decodeInto(body, v); p != nil {
		return p
	}
	d := strictjson.NewDecoder(body)
	var bad *strictjson.MemberError
	if err := d.Object(known.member(d)); errors.As(err, &bad) {
		name := memberName(bad.Name)
		if bad.Duplicate {
			p := invalid(name, "member "+strconv.Quote(name)+" is given twice")
			return &p
		}
		p := invalid(name, "unknown member "+strconv.Quote(name))
		return &p
	}
	return nil
}

// member returns what reads the value of each member of an object that
// may hold known's names: a name known lacks is a *strictjson.MemberError
// (as is one given twice); the objects of a value with names of its own,
// in an array too, are read the same way. The body is valid JSON already,
// so any other error only ends the walk.
func (known members) member(d *strictjson.Decoder) func(name string) error {
	return func(name string) error {
		sub, ok := known[name]
		switch {
		case !ok:
			return strictjson.Unknown(name)
		case sub == nil:
			return nil // skipped
		}
		return sub.value(d)
	}
}

// value reads the next value, whose objects may hold known's names.
func (known members) value(d *strictjson.Decoder) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	switch t {
	case json.Delim('{'):
		return d.Members(known.member(d))
	case json.Delim('['):
		return d.Elements(func() error { return known.value(d) })
	}
	return nil
}

// decodeInto is the encoding/json half of decode.
func decodeInto(body []byte, v any) *response {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			p := invalid("", "the body holds more than one JSON value")
			return &p
		}
		return nil
	}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	var p response
	switch {
	case errors.As(err, &syntax):
		p = invalid("", "the body is not valid JSON (at byte "+strconv.FormatInt(syntax.Offset, 10)+")")
	case errors.As(err, &typ):
		if typ.Field == "" {
			p = invalid("", "the body must be a JSON object")
		} else {
			p = invalid(typ.Field, typ.Field+" must be "+jsonType(typ.Type.Kind().String()))
		}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		name = memberName(name)
		p = invalid(name, "unknown member "+strconv.Quote(name))
	default:
		p = invalid("", "the body is not valid JSON")
	}
	return &p
}

// jsonType names a Go kind as the JSON type a client must send.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int64", "int":
		return "an integer"
	case "slice":
		return "an array of strings"
	case "struct", "ptr":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "of another type"
}

// take sets *dst to *src when the member src was sent (not nil).
func take[T any](dst, src *T) {
	if src != nil {
		*dst = *src
	}
}
