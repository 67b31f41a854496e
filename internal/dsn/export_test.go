package dsn

import "github.com/grantsql/grant/dialect"

// Covered reports whether the byte range [i, j) of s lies inside the ranges
// Redact masks.
func Covered(d dialect.Dialect, s string, i, j int) bool {
	for _, r := range find(d, s).ranges {
		if r.i <= i && i < r.j {
			i = r.j
		}
	}
	return i >= j
}
