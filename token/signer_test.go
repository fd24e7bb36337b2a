package token_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// TestMintSignsWhatGolangJWTSigns: the signature of every token Mint
// writes is, byte for byte, what golang-jwt's Sign makes of the token's
// signing input with the same key, also while many goroutines mint at
// once with one Minter (HS256 keeps keyed HMAC states in a pool).
func TestMintSignsWhatGolangJWTSigns(t *testing.T) {
	for _, alg := range []token.Algorithm{token.HS256, token.EdDSA} {
		t.Run(string(alg)+" signatures equal golang-jwt's, concurrently", func(t *testing.T) {
			f := newFixture(t, alg)
			method, key := jwt.GetSigningMethod(string(alg)), signingKey(t, f.key)
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 40 {
						req := sampleRequest
						req.Scope = strings.Repeat(fmt.Sprintf("/g%d/t%d ", g, i), 1+i%7) + "/x"
						raw, _, err := f.minter.Mint(t0, req)
						if err != nil {
							errs <- err
							return
						}
						dot := strings.LastIndexByte(raw, '.')
						want, err := method.Sign(raw[:dot], key)
						if err != nil {
							errs <- err
							return
						}
						if got := raw[dot+1:]; got != base64.RawURLEncoding.EncodeToString(want) {
							errs <- fmt.Errorf("token %d of goroutine %d: signature %s, golang-jwt signs %x", i, g, got, want)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// FuzzHMACSignature: for any HS256 secret and any claims Mint accepts,
// the signature equals golang-jwt's Sign of the signing input.
func FuzzHMACSignature(f *testing.F) {
	f.Add([]byte(strings.Repeat("k", 32)), "/a/b", "AC1")
	f.Add([]byte(strings.Repeat("\x00\xff", 40)), strings.Repeat("/demo/x ", 100)+"y", "")
	f.Fuzz(func(t *testing.T, secret []byte, scope, account string) {
		k, err := token.NewHMACKey("fuzz", secret)
		if err != nil {
			return
		}
		ks, err := token.NewKeySet(k)
		require.NoError(t, err)
		m, err := token.NewMinter(ks, testIssuer, testAudience)
		require.NoError(t, err)
		for range 2 { // the second token reuses the pooled state
			raw, _, err := m.Mint(t0, token.MintRequest{ClientID: "c", Scope: scope, AccountSID: account})
			if err != nil {
				return
			}
			dot := strings.LastIndexByte(raw, '.')
			want, err := jwt.SigningMethodHS256.Sign(raw[:dot], secret)
			require.NoError(t, err)
			assert.Equal(t, base64.RawURLEncoding.EncodeToString(want), raw[dot+1:])
		}
	})
}
