package grant

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/internal/dsn"
)

// ErrUnknownName is matched (errors.Is) by the error of sql.Open("grant",
// name) when name is not a registered cluster, a config file or a DSN of a
// known driver. The error shows name only when it cannot hold a password:
// a plain name as it is, a DSN-looking string redacted.
var ErrUnknownName = errors.New("grant: not a registered cluster, a config file or a DSN of a known driver")

// resolve returns the validated cluster that an unregistered name denotes:
// a config file, or the one-node cluster of a real driver's DSN (see
// config.Resolve for the rules).
func resolve(name string) (*Config, error) {
	cfg, err := config.Resolve(name)
	var de *config.DSNError
	if errors.As(err, &de) && errors.Is(de, config.ErrUnknownDSN) {
		return nil, &unknownNameError{de}
	}
	return cfg, err
}

// unknownNameError is ErrUnknownName with what config.Resolve found.
type unknownNameError struct{ de *config.DSNError }

// Error names the problem, the name as it may be shown, and what is accepted.
func (e *unknownNameError) Error() string {
	var b strings.Builder
	b.WriteString(ErrUnknownName.Error())
	if e.de.Shown != "" {
		b.WriteString(": ")
		b.WriteString(e.de.Shown)
	}
	b.WriteString(": ")
	b.WriteString(e.de.Reason)
	b.WriteString(" (or a name registered with grant.Register)")
	return b.String()
}

// Unwrap makes the error match ErrUnknownName, config.ErrUnknownDSN and
// config.ErrInvalid.
func (e *unknownNameError) Unwrap() []error { return []error{ErrUnknownName, e.de} }

// checkClusterName refuses a name for Register that could be read as a
// file or a DSN, which the registered cluster would silently shadow.
func checkClusterName(name string) error {
	const rule = "a cluster name is letters, digits, '_', '-' and '.', and does not end .yaml, .yml, .json, .db, .sqlite or .sqlite3"
	if name == "" {
		return errors.New("grant: Register: empty cluster name")
	}
	ok := dsn.Plain(name) && !strings.Contains(name, "/")
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json", ".db", ".sqlite", ".sqlite3":
		ok = false
	}
	if ok {
		return nil
	}
	if s := dsn.Show(name); s != "" {
		return errors.New("grant: Register: invalid cluster name " + s + ": " + rule)
	}
	return errors.New("grant: Register: invalid cluster name: " + rule)
}
