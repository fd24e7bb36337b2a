// Package authtest shows how to unit-test an API handler's authorization
// with package oauthapptest: a service on the memory store with a fake
// clock in one line, an app with given permissions, a token for it, and
// the tokens the handler must refuse (expired, of a deleted app, signed by
// another service's key, of another account), with no token server and no
// network (see handler_test.go).
package authtest
