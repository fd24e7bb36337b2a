package adminhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
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
		"resources": nil, "client_keys": keyMembers, "no_secret": nil,
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
	dec := json.NewDecoder(bytes.NewReader(body))
	if name, dup := checkMembers(dec, known); name != "" {
		name = memberName(name)
		if dup {
			p := invalid(name, "member "+strconv.Quote(name)+" is given twice")
			return &p
		}
		p := invalid(name, "unknown member "+strconv.Quote(name))
		return &p
	}
	return nil
}

// checkMembers walks the object dec is at and returns the first member
// name that known lacks, or that comes twice (dup). The body is valid
// JSON already, so a token error only ends the walk.
func checkMembers(dec *json.Decoder, known members) (name string, dup bool) {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	return walkObject(dec, known)
}

// walkObject is checkMembers once the object's '{' is read.
func walkObject(dec *json.Decoder, known members) (name string, dup bool) {
	seen := make(map[string]bool, len(known))
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := t.(string)
		sub, ok := known[key]
		switch {
		case !ok:
			return key, false
		case seen[key]:
			return key, true
		}
		seen[key] = true
		v, err := dec.Token()
		if err != nil {
			return "", false
		}
		if v == json.Delim('{') && sub != nil {
			if name, dup := walkObject(dec, sub); name != "" {
				return name, dup
			}
			continue
		}
		if v == json.Delim('[') && sub != nil {
			if name, dup := walkArray(dec, sub); name != "" {
				return name, dup
			}
			continue
		}
		if !skipRest(dec, v) {
			return "", false
		}
	}
	_, _ = dec.Token() // the closing brace
	return "", false
}

// walkArray is walkObject for each object of an array whose '[' is read.
func walkArray(dec *json.Decoder, known members) (name string, dup bool) {
	for dec.More() {
		v, err := dec.Token()
		if err != nil {
			return "", false
		}
		if v == json.Delim('{') {
			if name, dup := walkObject(dec, known); name != "" {
				return name, dup
			}
			continue
		}
		if !skipRest(dec, v) {
			return "", false
		}
	}
	_, _ = dec.Token() // the closing bracket
	return "", false
}

// skipRest reads the rest of a value whose first token was t.
func skipRest(dec *json.Decoder, t json.Token) bool {
	depth := 0
	for {
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return true
		}
		var err error
		if t, err = dec.Token(); err != nil {
			return false
		}
	}
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
