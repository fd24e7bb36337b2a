package secret_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/secret"
)

// TestNoPrintingShowsTheSecret prints a secret every way a program might,
// alone, by pointer and inside structs (exported and unexported fields),
// and checks that the random part never shows while the public id may.
func TestNoPrintingShowsTheSecret(t *testing.T) {
	s := generate(t)
	value := s.Reveal()
	body := value[len(secret.Prefix)+9 : len(value)-7]

	type Exported struct{ S secret.Secret }
	type unexported struct{ s secret.Secret }
	type pointer struct{ p *secret.Secret }
	operands := map[string]any{
		"value":                       s,
		"pointer":                     &s,
		"exported field":              Exported{s},
		"pointer to exported field":   &Exported{s},
		"unexported field":            unexported{s},
		"unexported pointer field":    pointer{&s},
		"slice":                       []secret.Secret{s},
		"map value":                   map[string]secret.Secret{"k": s},
		"error wrapping its printout": fmt.Errorf("auth: %v", s),
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v", "%-v"}

	outputs := map[string]string{}
	for name, op := range operands {
		for _, verb := range verbs {
			outputs[name+" with "+verb] = fmt.Sprintf(verb, op)
		}
		outputs[name+" with Sprint"] = fmt.Sprint(op)
		outputs[name+" with Sprintln"] = fmt.Sprintln(op)

		j, err := json.Marshal(op)
		if err == nil {
			outputs[name+" as JSON"] = string(j)
		}
		var logged bytes.Buffer
		slog.New(slog.NewTextHandler(&logged, nil)).Info("m", "k", op)
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("m", "k", op, slog.Any("any", op))
		log.New(&logged, "", 0).Print(op)
		outputs[name+" logged"] = logged.String()
	}
	text, err := s.MarshalText()
	require.NoError(t, err)
	outputs["MarshalText"] = string(text)
	x, err := xml.Marshal(Exported{s})
	require.NoError(t, err)
	outputs["XML"] = string(x)
	outputs["String"] = s.String()
	outputs["GoString"] = s.GoString()

	for how, out := range outputs {
		assert.NotContains(t, out, body, "%s shows the secret", how)
		assert.NotContains(t, strings.ToLower(out), fmt.Sprintf("%x", value[20:40]), "%s shows the secret in hex", how)
	}
	assert.Equal(t, secret.Prefix+s.ID()+"_<redacted>", fmt.Sprint(s), "printing shows the prefix and public id")
	assert.Equal(t, `"`+secret.Prefix+s.ID()+`_\u003credacted\u003e"`, outputs["value as JSON"])
	assert.Equal(t, `secret.Secret("`+secret.Prefix+s.ID()+`_<redacted>")`, fmt.Sprintf("%#v", s))
	assert.Equal(t, secret.Prefix+"<none>", secret.Secret{}.String(), "the zero secret prints as none")
}

func TestErrorsNeverShowTheInput(t *testing.T) {
	good := generate(t).Reveal()
	for i := range len(good) {
		bad := good[:i] + "#" + good[i+1:]
		_, err := secret.Parse(bad)
		require.Error(t, err)
		for e := err; e != nil; e = errors.Unwrap(e) {
			assert.NotContains(t, e.Error(), good[20:40])
		}
	}
}
