//go:build unix

package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/oauthapps/oauthapps/keyring"
)

// rotateOnSignal rotates the signing key on SIGUSR1 (kill -USR1 <pid>):
// the new key is published at once on every instance and signs after the
// -key-lead time. It returns the function that stops listening.
func rotateOnSignal(ctx context.Context, ring *keyring.Ring, logger *slog.Logger) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGUSR1)
	done := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for {
			select {
			case <-done:
				return
			case <-sigs:
				if kid, err := ring.Rotate(ctx); err != nil {
					logger.Error("rotating the signing key", "error", err)
				} else {
					logger.Info("rotated the signing key", "kid", kid)
				}
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
		<-ended
	}
}
