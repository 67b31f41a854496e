package dsn

import (
	"errors"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// Form is the syntax a string given to sql.Open("grant", name) is written in.
type Form uint8

// The forms Detect tells apart.
const (
	FormUnknown          Form = iota
	FormConfig                // a .yaml, .yml or .json config file
	FormPostgresURL           // postgres://... or postgresql://...
	FormPostgresKeywords      // host=... dbname=... (libpq keyword/value)
	FormMySQL                 // user:pass@tcp(host:port)/db
	FormSQLite                // file:...?..., a path ending .db, .sqlite or .sqlite3, :memory:
)

// Dialect returns the dialect of a DSN form (Unknown for FormConfig).
func (f Form) Dialect() dialect.Dialect {
	switch f {
	case FormPostgresURL, FormPostgresKeywords:
		return dialect.Postgres
	case FormMySQL:
		return dialect.MySQL
	case FormSQLite:
		return dialect.SQLite
	}
	return dialect.Unknown
}

// String names the form in messages ("a MySQL DSN").
func (f Form) String() string {
	return [...]string{"an unknown string", "a config file", "a PostgreSQL URL",
		"a PostgreSQL key=value DSN", "a MySQL DSN", "a SQLite file"}[min(int(f), 5)]
}

// The errors of Detect, wrapped in a *DetectError.
var (
	ErrUnrecognized = errors.New("not a config file or a DSN of a known driver")
	ErrAmbiguous    = errors.New("ambiguous name")
)

// DetectError explains why Detect recognized nothing, or more than one
// thing. Reason never contains the string itself.
type DetectError struct {
	Err    error // ErrUnrecognized or ErrAmbiguous
	Reason string
}

// Error returns the reason.
func (e *DetectError) Error() string { return e.Reason }

// Unwrap returns ErrUnrecognized or ErrAmbiguous.
func (e *DetectError) Unwrap() error { return e.Err }

// Hint lists what Detect recognizes.
const Hint = "a .yaml, .yml or .json config file, a postgres:// or postgresql:// URL, " +
	"a PostgreSQL key=value string (host=... dbname=...), a MySQL user:password@tcp(host:port)/dbname DSN, " +
	"or a SQLite file: URI or path ending .db, .sqlite or .sqlite3"

var (
	configExts = []string{".yaml", ".yml", ".json"}
	sqliteExts = []string{".db", ".sqlite", ".sqlite3"}
	// mysqlNet finds "@net(addr)/" or a leading "net(addr)/".
	mysqlNet = regexp.MustCompile(`@[A-Za-z][A-Za-z0-9_]*\([^()]*\)/|^(tcp|tcp4|tcp6|unix)\([^()]*\)/`)
)

// Detect returns the form of s. The rules, in order:
//
//   - postgres:// and postgresql:// are PostgreSQL URLs; any other scheme://
//     is refused (a mysql:// URL is not a go-sql-driver/mysql DSN).
//   - A file: name ending .yaml, .yml or .json is a config file, unless it
//     has a ?query (ambiguous). Any other file: name is SQLite when it ends
//     .db, .sqlite or .sqlite3, has a ?query (?mode=memory, ?_pragma=...) or
//     is file::memory:; without either it is ambiguous.
//   - Otherwise each of these is a candidate: a MySQL DSN (user@net(addr)/db
//     or user@/db), a PostgreSQL key=value string (its first key an
//     identifier and some key a libpq keyword such as host, dbname or user),
//     a path ending .db, .sqlite or .sqlite3 (before any ?query, with no '=')
//     or :memory:, a path ending .yaml, .yml or .json (no '?', no '='). One
//     candidate is the answer; several are ambiguous; none is unrecognized.
func Detect(s string) (Form, error) {
	if strings.TrimSpace(s) == "" {
		return FormUnknown, &DetectError{ErrUnrecognized, "empty name"}
	}
	if scheme := schemeOf(s); scheme != "" {
		return detectScheme(s, scheme)
	}
	if rest, ok := strings.CutPrefix(s, "file:"); ok {
		return detectFile(rest)
	}
	var forms []Form
	if mysqlShape(s) {
		forms = append(forms, FormMySQL)
	}
	if keywordShape(s) {
		forms = append(forms, FormPostgresKeywords)
	}
	if p, _, _ := strings.Cut(s, "?"); s == ":memory:" || hasExt(p, sqliteExts) && !strings.Contains(p, "=") {
		forms = append(forms, FormSQLite)
	}
	if !strings.ContainsAny(s, "?=") && hasExt(s, configExts) {
		forms = append(forms, FormConfig)
	}
	switch len(forms) {
	case 0:
		return FormUnknown, &DetectError{ErrUnrecognized, "want " + Hint}
	case 1:
		return forms[0], nil
	}
	names := make([]string, len(forms))
	for i, f := range forms {
		names[i] = f.String()
	}
	return FormUnknown, &DetectError{ErrAmbiguous, "could be " + strings.Join(names, " or ") +
		": use a config file, or write the DSN in one driver's syntax only"}
}

func detectScheme(s, scheme string) (Form, error) {
	switch scheme {
	case "postgres", "postgresql":
		if strings.HasPrefix(s, scheme+"://") {
			return FormPostgresURL, nil
		}
		return FormUnknown, &DetectError{ErrUnrecognized, "write the scheme in lower case: pgx reads only postgres:// and postgresql:// as URLs"}
	case "mysql", "mariadb":
		return FormUnknown, &DetectError{ErrUnrecognized, "a mysql:// URL is not a go-sql-driver/mysql DSN: write user:password@tcp(host:3306)/dbname"}
	case "sqlite", "sqlite3", "file":
		return FormUnknown, &DetectError{ErrUnrecognized, "write a SQLite database as file:path.db or a path ending .db, .sqlite or .sqlite3"}
	}
	return FormUnknown, &DetectError{ErrUnrecognized, "unsupported URL scheme: want " + Hint}
}

func detectFile(rest string) (Form, error) {
	p, _, hasQuery := strings.Cut(rest, "?")
	switch {
	case hasExt(p, configExts) && hasQuery:
		return FormUnknown, &DetectError{ErrAmbiguous, "a file: name ending .yaml, .yml or .json with a ?query: " +
			"a config file takes no query, and a SQLite database should end .db, .sqlite or .sqlite3"}
	case hasExt(p, configExts):
		return FormConfig, nil
	case hasExt(p, sqliteExts), hasQuery, p == ":memory:":
		return FormSQLite, nil
	}
	return FormUnknown, &DetectError{ErrAmbiguous, "a file: name needs .yaml, .yml or .json for a config file, " +
		"or .db, .sqlite, .sqlite3 or a ?query (such as ?mode=memory) for a SQLite database"}
}

func hasExt(p string, exts []string) bool {
	e := strings.ToLower(filepath.Ext(p))
	for _, x := range exts {
		if e == x && len(p) > len(e) {
			return true
		}
	}
	return false
}

// mysqlShape reports whether s has go-sql-driver/mysql's network part:
// user@tcp(host)/db, unix(/path)/db, or user@/db.
func mysqlShape(s string) bool {
	if mysqlNet.MatchString(s) {
		return true
	}
	slash := strings.LastIndexByte(s, '/')
	return slash > 0 && s[slash-1] == '@'
}
