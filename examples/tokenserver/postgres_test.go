package main

import (
	"context"
	"encoding/base64"
	"io"
	"os"
	"strings"
	"testing"
)

func TestPostgresFlagRefusesBadSetup(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name, kek, dsn, want string
		unset                bool
	}{
		{name: "no key-encryption key", unset: true, dsn: "postgres://127.0.0.1:1/x", want: kekEnv},
		{name: "a key-encryption key that is not base64", kek: "not-base64-secret!!", dsn: "postgres://127.0.0.1:1/x", want: "base64"},
		{name: "a key-encryption key of 16 bytes", kek: base64.StdEncoding.EncodeToString([]byte("0123456789abcdef")), dsn: "postgres://127.0.0.1:1/x", want: "32 bytes"},
		{name: "a connection string that does not parse", kek: good, dsn: "postgres://user:hunter2@[::1", want: "does not parse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.unset {
				t.Setenv(kekEnv, "")
				// t.Setenv restores it; unset for this test.
				unsetEnv(t, kekEnv)
			} else {
				t.Setenv(kekEnv, tc.kek)
			}
			err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-postgres", tc.dsn}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run: %v, want an error saying %q", err, tc.want)
			}
			for _, secret := range []string{"hunter2", tc.kek} {
				if secret != "" && strings.Contains(err.Error(), secret) {
					t.Fatalf("the error %q repeats %q", err, secret)
				}
			}
		})
	}
}

func unsetEnv(t *testing.T, name string) {
	t.Helper()
	if err := os.Unsetenv(name); err != nil {
		t.Fatal(err)
	}
}
