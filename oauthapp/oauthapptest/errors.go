package oauthapptest

import "errors"

// ErrInvalidOption is wrapped by the error of an option given an unusable
// value. New and NewServer report it through t.Fatalf, with the option's
// name and what was wrong.
var ErrInvalidOption = errors.New("oauthapptest: invalid option")
