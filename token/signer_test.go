package token_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/token"
)

// TestMintSignsWhatGolangJWTSigns: the signature of every token Mint
// writes is, byte for byte, what golang-jwt's Sign makes of the token's
// signing input with the same key, also while many goroutines mint at
// once with one Minter.
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
