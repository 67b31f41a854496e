// Package dialect names the SQL dialects Grant speaks and the real database/sql
// drivers behind them. It is the one type every other package shares: the
// statement analyzer, the sanitizer, the planner and the registry all take a
// Dialect, and nothing here does I/O.
package dialect

import "fmt"

// Dialect is one SQL dialect. The zero value is Unknown and is never valid in a
// cluster configuration.
type Dialect uint8

// The dialects Grant supports.
const (
	Unknown  Dialect = iota // not set; rejected by configuration
	Postgres                // PostgreSQL, through github.com/jackc/pgx/v5/stdlib
	MySQL                   // MySQL and MariaDB, through github.com/go-sql-driver/mysql
	SQLite                  // SQLite, through modernc.org/sqlite
)

// Parse maps a configuration name to a Dialect. It accepts the canonical names
// "postgres", "mysql" and "sqlite" and the common aliases "postgresql", "pgx",
// "mariadb", "sqlite3". Anything else is an error that names the input.
func Parse(name string) (Dialect, error) {
	switch name {
	case "postgres", "postgresql", "pgx":
		return Postgres, nil
	case "mysql", "mariadb":
		return MySQL, nil
	case "sqlite", "sqlite3":
		return SQLite, nil
	case "":
		return Unknown, fmt.Errorf("dialect is empty: want postgres, mysql or sqlite")
	}
	return Unknown, fmt.Errorf("unknown dialect %q: want postgres, mysql or sqlite", name)
}

// String returns the canonical configuration name of d.
func (d Dialect) String() string {
	switch d {
	case Postgres:
		return "postgres"
	case MySQL:
		return "mysql"
	case SQLite:
		return "sqlite"
	}
	return "unknown"
}

// DriverName is the database/sql driver name Grant uses underneath d.
func (d Dialect) DriverName() string {
	switch d {
	case Postgres:
		return "pgx"
	case MySQL:
		return "mysql"
	case SQLite:
		return "sqlite"
	}
	return ""
}

// Valid reports whether d is one of the supported dialects.
func (d Dialect) Valid() bool { return d >= Postgres && d <= SQLite }

// MarshalText implements encoding.TextMarshaler with the canonical name.
func (d Dialect) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler through Parse.
func (d *Dialect) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
