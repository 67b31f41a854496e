package config

import (
	"errors"
	"strings"

	"github.com/grantsql/grant/internal/dsn"
)

// DSNDatabase is the name of the one database of a cluster made by FromDSN.
const DSNDatabase = "main"

// The errors of Resolve and FromDSN, wrapped in a *DSNError.
var (
	// ErrUnknownDSN: the string is not a config file name or a DSN in the
	// syntax of any driver Grant uses.
	ErrUnknownDSN = dsn.ErrUnrecognized
	// ErrAmbiguousDSN: the string reads as more than one of those.
	ErrAmbiguousDSN = dsn.ErrAmbiguous
)

// DSNError reports a string that Resolve or FromDSN could not turn into a
// cluster. It matches ErrInvalid and its Err.
type DSNError struct {
	// Shown is the string as a message may show it: quoted when it is a
	// plain name or path, redacted when it looks like a DSN, "" when it
	// might be a secret and is not shown.
	Shown string
	// Reason says what is wrong and what would be recognized.
	Reason string
	// Err is ErrUnknownDSN or ErrAmbiguousDSN.
	Err error
}

// Error returns "grant: <problem>: <shown>: <reason>".
func (e *DSNError) Error() string {
	var b strings.Builder
	b.WriteString("grant: ")
	b.WriteString(e.Err.Error())
	if e.Shown != "" {
		b.WriteString(": ")
		b.WriteString(e.Shown)
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns Err.
func (e *DSNError) Unwrap() error { return e.Err }

// Is makes a DSNError match ErrInvalid.
func (e *DSNError) Is(target error) bool { return target == ErrInvalid }

// Resolve returns the validated cluster that name denotes when it is not a
// registered cluster: the config file it names (Load) or the one-node
// cluster of the DSN it is (FromDSN). The rules are in the package
// documentation. An unrecognized or ambiguous name is a *DSNError, which
// never contains a password.
func Resolve(name string) (*Cluster, error) {
	form, err := dsn.Detect(name)
	if err != nil {
		return nil, detectError(name, err)
	}
	if form == dsn.FormConfig {
		return Load(name)
	}
	return oneNode(name, form)
}

// FromDSN returns the validated one-node cluster of s, a DSN of one of the
// real drivers: a postgres:// or postgresql:// URL, a PostgreSQL key=value
// string, a go-sql-driver/mysql DSN, or a SQLite file: URI or path. Its
// dialect is detected; its one database is DSNDatabase, with s as primary.
func FromDSN(s string) (*Cluster, error) {
	form, err := dsn.Detect(s)
	if err != nil {
		return nil, detectError(s, err)
	}
	if form == dsn.FormConfig {
		return nil, &DSNError{Shown: dsn.Show(s), Err: ErrUnknownDSN, Reason: "a config file name, not a DSN: use Load"}
	}
	return oneNode(s, form)
}

func oneNode(s string, form dsn.Form) (*Cluster, error) {
	c := &Cluster{
		Dialect: form.Dialect(),
		// "$$" is a literal "$" to Validate's environment expansion.
		Databases: map[string]*Database{DSNDatabase: {Primary: strings.ReplaceAll(s, "$", "$$")}},
	}
	return c.Validate()
}

func detectError(s string, err error) error {
	e := &DSNError{Shown: dsn.Show(s), Err: ErrUnknownDSN, Reason: err.Error()}
	if errors.Is(err, dsn.ErrAmbiguous) {
		e.Err = ErrAmbiguousDSN
	}
	return e
}
