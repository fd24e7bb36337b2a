package adminhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// decode reads a JSON object body into v, refusing members v does not
// have, values of the wrong type, and anything after the object. The
// problem names the member at fault where there is one.
func decode(body []byte, v any) *response {
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
	}
	return "of another type"
}
