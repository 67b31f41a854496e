package routecfg

import (
	"errors"
	"time"
)

// Duration is a time.Duration written in files as a Go duration string
// ("2s", "150ms"); negative durations are refused. config.Duration is
// this type.
type Duration time.Duration

// NewDuration returns a pointer to d as a Duration, for the optional
// settings (read_your_writes.max_wait).
func NewDuration(d time.Duration) *Duration {
	v := Duration(d)
	return &v
}

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns d in Go duration syntax.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes d as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a Go duration string; negative durations are refused.
// Its errors do not quote b, which may be a secret given to the wrong key.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return errors.New(`invalid duration: want e.g. "2s" or "150ms"`)
	}
	if v < 0 {
		return errors.New("invalid duration: must not be negative")
	}
	*d = Duration(v)
	return nil
}
