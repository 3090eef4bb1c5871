// Package apperr is casp's one error type: a code the HTTP layer maps to a
// status, and a French message safe to show. Any other error is internal:
// logged, and shown to the user as a generic message.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for the HTTP layer.
type Code string

// The codes.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Forbidden    Code = "forbidden"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Throttled    Code = "throttled"
	Internal     Code = "internal"
)

// Error carries a code, a message for users, and per-field messages for forms.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	// RetryAfter is the wait, in seconds, of a Throttled error (0: unknown).
	RetryAfter int
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// New builds an error with a formatted French message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Fields builds an Invalid error with one message per form field.
func Fields(fields map[string]string) *Error {
	return &Error{Code: Invalid, Message: "Le formulaire contient des erreurs.", Fields: fields}
}

// CodeOf returns the code of err, Internal for anything that is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return Internal
}

// As extracts an *Error.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
