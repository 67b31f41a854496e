package lockrewrite

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// Server is the kind of server a statement goes to. The MySQL dialect
// covers two servers whose locking syntax differs: MariaDB (LOCK IN SHARE
// MODE, WAIT n, no OF) and MySQL 8 (FOR SHARE, OF, no WAIT).
type Server uint8

// The servers.
const (
	Postgres Server = iota + 1
	MariaDB
	MySQL
	SQLite
)

var serverNames = [...]string{"", "postgres", "mariadb", "mysql", "sqlite"}

// String returns the lower-case name of s.
func (s Server) String() string {
	if int(s) < len(serverNames) && s != 0 {
		return serverNames[s]
	}
	return "unknown"
}

// Dialect returns the dialect s speaks.
func (s Server) Dialect() dialect.Dialect {
	switch s {
	case Postgres:
		return dialect.Postgres
	case MariaDB, MySQL:
		return dialect.MySQL
	case SQLite:
		return dialect.SQLite
	}
	return dialect.Unknown
}

// ServerFor returns the server of dialect d whose version string (SELECT
// VERSION(), or the driver's server version) is version. For the MySQL
// dialect a version naming MariaDB, or an empty one, is MariaDB; any other
// is MySQL.
func ServerFor(d dialect.Dialect, version string) Server {
	switch d {
	case dialect.Postgres:
		return Postgres
	case dialect.SQLite:
		return SQLite
	case dialect.MySQL:
		if version == "" || strings.Contains(strings.ToLower(version), "mariadb") {
			return MariaDB
		}
		return MySQL
	}
	return 0
}
