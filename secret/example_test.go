package secret_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/secret"
)

func Example() {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	// Creating an app: show the secret once, store only the records.
	creds, s, err := secret.NewCredentials(now, secret.SHA256{})
	if err != nil {
		panic(err)
	}
	shown := s.Reveal()
	current, _ := creds.Records()
	fmt.Println(strings.HasPrefix(shown, secret.Prefix), strings.HasPrefix(current.Hash, "$sha256$"))

	// Authenticating a client: parse offline, then verify.
	presented, err := secret.Parse(shown)
	if err != nil {
		panic(err)
	}
	id, err := creds.Verify(now, presented)
	fmt.Println(id == s.ID(), err)

	// Printing a secret never shows it.
	fmt.Println(strings.Contains(fmt.Sprintf("%v %+v %#v", s, s, s), shown))
	// Output:
	// true true
	// true <nil>
	// false
}

func ExampleCredentials_Rotate() {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	creds, old, _ := secret.NewCredentials(now, nil)

	creds, fresh, err := creds.Rotate(now, secret.DefaultGrace, nil)
	if err != nil {
		panic(err)
	}
	check := func(when string, at time.Time) {
		_, errOld := creds.Verify(at, old)
		_, errNew := creds.Verify(at, fresh)
		fmt.Printf("%s: old %v, new %v\n", when, errOld == nil, errNew == nil)
	}
	check("just after", now)
	check("a nanosecond before a day", now.Add(secret.DefaultGrace-1))
	check("a day later", now.Add(secret.DefaultGrace))

	// A grace of 0 is the compromise button: the old secret dies at once.
	creds, _, _ = creds.Rotate(now, 0, nil)
	_, err = creds.Verify(now, fresh)
	fmt.Println("after an emergency rotation:", err)
	// Output:
	// just after: old true, new true
	// a nanosecond before a day: old true, new true
	// a day later: old false, new true
	// after an emergency rotation: secret: secret does not match
}

func ExampleParse_errorChecking() {
	s, _ := secret.Generate()
	typo := s.Reveal()[:40] + "9" + s.Reveal()[41:] // '9' is not base 32

	_, err := secret.Parse(typo)
	switch {
	case errors.Is(err, secret.ErrMalformed):
		// Answer invalid_client without reading the store.
		fmt.Println("rejected offline:", err)
	case err != nil:
		fmt.Println("other error:", err)
	}
	// Output:
	// rejected offline: secret: malformed client secret: character 41 is outside [a-z2-7]
}

func ExampleDecoy() {
	// Made once at start-up with the service's hasher.
	decoy, err := secret.Decoy(secret.SHA256{})
	if err != nil {
		panic(err)
	}
	// An unknown client id: check the presented secret against the decoy,
	// costing one hash comparison, as a known client would.
	presented, _ := secret.Generate()
	_, err = decoy.Verify(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), presented)
	fmt.Println(err)
	// Output:
	// secret: secret does not match
}

func ExampleNewArgon2id() {
	h, err := secret.NewArgon2id(secret.WithArgon2Memory(32*1024), secret.WithArgon2Time(2), secret.WithArgon2Threads(2))
	if err != nil {
		panic(err)
	}
	s, _ := secret.Generate()
	encoded, _ := h.Hash(s)
	fmt.Println(encoded[:strings.LastIndex(encoded[:strings.LastIndex(encoded, "$")], "$")])
	// Hashes of either kind verify with any hasher of the package.
	fmt.Println(secret.SHA256{}.Compare(encoded, s))
	// Output:
	// $argon2id$v=19$m=32768,t=2,p=2
	// true
}

func ExampleCredentials_Rehash() {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// An app made before the deployment switched to Argon2id.
	creds, s, _ := secret.NewCredentials(now, secret.SHA256{})
	argon, err := secret.NewArgon2id(secret.WithArgon2Memory(64), secret.WithArgon2Time(1))
	if err != nil {
		panic(err)
	}

	// Authenticating a client after the switch: verify, then ask the
	// cheap question, and hash anew only when the answer is yes.
	id, err := creds.VerifyWith(now, s, argon)
	if err != nil {
		panic(err)
	}
	if creds.NeedsRehash(id, argon) {
		upgraded, changed, err := creds.Rehash(now, s, argon)
		if err != nil {
			panic(err) // a real caller logs it and tries on the next use
		}
		creds = upgraded // store its records with compare-and-swap
		fmt.Println("rehashed:", changed)
	}
	current, _ := creds.Records()
	fmt.Println(current.Hash[:strings.LastIndex(current.Hash[:strings.LastIndex(current.Hash, "$")], "$")])
	fmt.Println("needs rehash now:", creds.NeedsRehash(id, argon))
	// Output:
	// rehashed: true
	// $argon2id$v=19$m=64,t=1,p=1
	// needs rehash now: false
}
