package console

import "errors"

// ErrInvalidOption: an option, or an argument of New, was given an
// unusable value; the wrapped message says which. Callers test it with
// errors.Is.
var ErrInvalidOption = errors.New("console: invalid option")
