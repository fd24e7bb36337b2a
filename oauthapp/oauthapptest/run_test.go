package oauthapptest_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSetupFailuresFailTheTestWithoutPanicking runs each failing setup
// under Run's *T: the test fails through t with a message that
// says what went wrong, stops at the failing call (the line after it never
// runs), and nothing panics.
func TestSetupFailuresFailTheTestWithoutPanicking(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *oauthapptest.T)
		want  string
	}{
		{"a nil store", func(t *oauthapptest.T) { oauthapptest.New(t, oauthapptest.WithStore(nil)) }, "oauthapptest: New: oauthapptest: invalid option: WithStore: nil store"},
		{"an unknown algorithm", func(t *oauthapptest.T) { oauthapptest.New(t, oauthapptest.WithAlgorithm("none")) }, `WithAlgorithm: unsupported algorithm "none"`},
		{"both an algorithm and keys", func(t *oauthapptest.T) {
			keys := oauthapptest.New(t).Keys
			oauthapptest.New(t, oauthapptest.WithAlgorithm(token.ES256), oauthapptest.WithKeys(keys))
		}, "WithAlgorithm and WithKeys both given"},
		{"keys of an unknown algorithm", func(t *oauthapptest.T) { oauthapptest.NewKeys(t, "none") }, "oauthapptest: generating a none signing key"},
		{"a nil catalog", func(t *oauthapptest.T) { oauthapptest.New(t, oauthapptest.WithCatalog(nil)) }, "WithCatalog: nil catalog"},
		{"a nil clock", func(t *oauthapptest.T) { oauthapptest.New(t, oauthapptest.WithClock(nil)) }, "WithClock: nil clock"},
		{"a nil option", func(t *oauthapptest.T) { oauthapptest.New(t, nil) }, "oauthapptest: New: oauthapptest: invalid option: nil option"},
		{"a bad service option", func(t *oauthapptest.T) {
			oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithTokenTTL(0)))
		}, "oauthapptest: building the service: oauthapp: invalid option: WithTokenTTL"},
		{"a bad server option", func(t *oauthapptest.T) {
			oauthapptest.NewServer(t, oauthapptest.WithServerOptions(oauthhttp.WithRealm("bad\"realm")))
		}, "oauthapptest: NewServer: building the oauthhttp server: oauthhttp: invalid option: WithRealm"},
		{"an app with a malformed permission", func(t *oauthapptest.T) { oauthapptest.New(t).NewApp("not a permission") }, `oauthapptest: creating an app allowed ["not a permission"]: oauthapp: `},
		{"a token with a scope the app lacks", func(t *oauthapptest.T) {
			kit := oauthapptest.New(t)
			kit.Token(kit.NewApp(permList), "/demo/messaging/messages/delete")
		}, "oauthapptest: issuing a token to OQ"},
		{"the secret of an app the kit did not create", func(t *oauthapptest.T) {
			oauthapptest.New(t).Secret("OQ00000000000000000000000000000000")
		}, `oauthapptest: app "OQ00000000000000000000000000000000" was not created with the kit`},
		{"rotating an app the kit did not create", func(t *oauthapptest.T) {
			oauthapptest.New(t).Rotate("OQ00000000000000000000000000000000", 0)
		}, "was not created with the kit"},
		{"another service with a bad option", func(t *oauthapptest.T) {
			oauthapptest.New(t).NewService(oauthapp.WithRegions())
		}, "oauthapptest: building another service: oauthapp: invalid option: WithRegions"},
		{"a route the catalog refuses", func(t *oauthapptest.T) {
			oauthapptest.New(t, oauthapptest.WithRoutes(scope.Route{Pattern: "GET /x", Permission: "not a permission"}))
		}, "oauthapptest: New: oauthapptest: invalid option: WithRoutes"},
		{"deleting an app twice", func(t *oauthapptest.T) {
			kit := oauthapptest.New(t)
			app := kit.NewApp(permList)
			kit.Delete(app.SID)
			kit.Delete(app.SID)
		}, "oauthapptest: deleting OQ"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			reached := false
			passed := oauthapptest.Run(&out, func(t *oauthapptest.T) {
				tc.setup(t)
				reached = true
			})
			assert.False(t, passed, "the test fails")
			assert.False(t, reached, "the test stops at the failing call")
			assert.Contains(t, out.String(), tc.want)
			assert.NotContains(t, out.String(), "panic")
		})
	}
}

func TestRunReportsWhatATestDoes(t *testing.T) {
	t.Run("a passing test passes and its log is written", func(t *testing.T) {
		var out strings.Builder
		assert.True(t, oauthapptest.Run(&out, func(t *oauthapptest.T) { t.Logf("hello %d", 1) }))
		assert.Equal(t, "hello 1\n", out.String())
	})
	t.Run("Error fails and goes on", func(t *testing.T) {
		var out strings.Builder
		after := false
		assert.False(t, oauthapptest.Run(&out, func(t *oauthapptest.T) { t.Error("bad"); after = true }))
		assert.True(t, after)
		assert.Equal(t, "bad\n", out.String())
	})
	t.Run("a skipped test passes and stops", func(t *testing.T) {
		var out strings.Builder
		after := false
		assert.True(t, oauthapptest.Run(&out, func(t *oauthapptest.T) { t.Skip("later"); after = true }))
		assert.False(t, after)
	})
	t.Run("a panic fails the test and does not end the program", func(t *testing.T) {
		var out strings.Builder
		assert.False(t, oauthapptest.Run(&out, func(t *oauthapptest.T) { panic(errors.New("boom")) }))
		assert.Equal(t, "panic: boom\n", out.String())
	})
	t.Run("cleanups run last first after the context ends, even after a fatal one", func(t *testing.T) {
		var out strings.Builder
		var order []string
		assert.False(t, oauthapptest.Run(&out, func(t *oauthapptest.T) {
			ctx := t.Context()
			t.Cleanup(func() { order = append(order, "first") })
			t.Cleanup(func() { order = append(order, "second"); t.Fatal("cleanup failed") })
			t.Cleanup(func() { order = append(order, "third:"+ctx.Err().Error()) })
		}))
		assert.Equal(t, []string{"third:context canceled", "second", "first"}, order)
	})
	t.Run("Setenv and TempDir are undone at cleanup", func(t *testing.T) {
		const key = "OAUTHAPPTEST_RUN_PROBE"
		var dir string
		assert.True(t, oauthapptest.Run(&strings.Builder{}, func(t *oauthapptest.T) {
			t.Setenv(key, "set")
			dir = t.TempDir()
			assert.Equal(t, "set", os.Getenv(key))
			assert.DirExists(t, dir)
		}))
		_, set := os.LookupEnv(key)
		assert.False(t, set)
		assert.NoDirExists(t, dir)
	})
	t.Run("Output, Attr and Name write and read as a test's do; Failed and Skipped tell the state", func(t *testing.T) {
		var out strings.Builder
		var failedBefore, failedAfter, skipped bool
		assert.False(t, oauthapptest.Run(&out, func(t *oauthapptest.T) {
			_, _ = io.WriteString(t.Output(), "raw text\n")
			t.Attr("team", "auth")
			t.Log(t.Name())
			failedBefore = t.Failed()
			t.Fail()
			failedAfter = t.Failed()
			t.Cleanup(func() { skipped = t.Skipped() })
			t.SkipNow()
		}))
		assert.Equal(t, "raw text\n=== ATTR team auth\noauthapptest.Run\n", out.String())
		assert.False(t, failedBefore)
		assert.True(t, failedAfter)
		assert.True(t, skipped)
	})
	t.Run("Chdir and ArtifactDir are undone at cleanup", func(t *testing.T) {
		start, err := os.Getwd()
		require.NoError(t, err)
		var dir, inside string
		assert.True(t, oauthapptest.Run(&strings.Builder{}, func(t *oauthapptest.T) {
			dir = t.ArtifactDir()
			t.Chdir(dir)
			inside, _ = os.Getwd()
		}))
		after, err := os.Getwd()
		require.NoError(t, err)
		assert.Equal(t, start, after)
		assert.NoDirExists(t, dir)
		resolved, _ := filepath.EvalSymlinks(dir)
		assert.Contains(t, []string{dir, resolved}, inside)
	})
}
