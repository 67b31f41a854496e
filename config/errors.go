package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every configuration error.
var ErrInvalid = errors.New("invalid grant configuration")

// Error is one configuration problem at one key path.
type Error struct {
	Path string // e.g. "databases.main.replicas[1]"; empty for the whole document
	Err  error
}

// Error returns "path: problem".
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// Is makes every *Error match ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Errors is the list of every problem found in one configuration.
type Errors []*Error

// Error lists the problems one per line, after a count.
func (es Errors) Error() string {
	if len(es) == 1 {
		return "grant config: " + es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "grant config: %d problems:", len(es))
	for _, e := range es {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap exposes each problem to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Is makes Errors match ErrInvalid.
func (es Errors) Is(target error) bool { return target == ErrInvalid }

// collector gathers problems while validating.
type collector struct{ errs Errors }

func (c *collector) add(path string, format string, args ...any) {
	c.errs = append(c.errs, &Error{Path: path, Err: fmt.Errorf(format, args...)})
}

func (c *collector) wrap(path string, err error) {
	c.errs = append(c.errs, &Error{Path: path, Err: err})
}

func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}
