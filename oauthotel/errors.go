package oauthotel

import "errors"

// ErrInvalidOption: an option of New was given an unusable value. The
// wrapping error says which.
var ErrInvalidOption = errors.New("oauthotel: invalid option")
