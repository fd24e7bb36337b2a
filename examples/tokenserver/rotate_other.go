//go:build !unix

package main

import (
	"context"
	"log/slog"

	"github.com/oauthapps/oauthapps/keyring"
)

// rotateOnSignal does nothing where there is no SIGUSR1.
func rotateOnSignal(context.Context, *keyring.Ring, *slog.Logger) (stop func()) { return func() {} }
