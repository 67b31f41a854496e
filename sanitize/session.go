package sanitize

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// Queryer runs a query that returns at most one row. *sql.Conn, *sql.Tx and
// *sql.DB have this method.
type Queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// QuoterFor returns the Quoter of the session behind conn, with the
// settings that decide how the server reads literals and templates read
// from it in one query:
//
//   - PostgreSQL: client_encoding (ClientEncoding) and
//     standard_conforming_strings (StandardConformingStrings).
//     backslash_quote is not read: no literal written here contains \'.
//   - MySQL and MariaDB: sql_mode (NoBackslashEscapes for
//     NO_BACKSLASH_ESCAPES, ANSIQuotes for ANSI_QUOTES, which the ANSI,
//     ORACLE and MSSQL modes include) and character_set_client (Charset).
//   - SQLite: nothing; no query is run.
//
// The Quoter describes that one session, as it is now: give it a *sql.Conn
// or a *sql.Tx and use it on the same one, since a *sql.DB may answer from
// one pooled connection and run the next statement on another, whose
// settings can differ (a SET runs on one connection only). Read it again
// after changing a setting. Location and AllowStringer are left at their
// defaults. Errors from the query are wrapped, keeping the driver's error.
func QuoterFor(ctx context.Context, d dialect.Dialect, conn Queryer) (Quoter, error) {
	q := Quoter{Dialect: d}
	switch d {
	case dialect.Postgres:
		var enc, scs string
		err := conn.QueryRowContext(ctx, "SELECT current_setting('client_encoding'), "+
			"current_setting('standard_conforming_strings')").Scan(&enc, &scs)
		if err != nil {
			return Quoter{}, fmt.Errorf("sanitize: reading the PostgreSQL session's settings: %w", err)
		}
		q.ClientEncoding = enc
		if e := q.enc(); e.kind != encUnknown {
			q.ClientEncoding = e.name // UNICODE is reported as it was set
		}
		switch strings.ToLower(scs) {
		case "on":
			q.StandardConformingStrings = On
		case "off":
			q.StandardConformingStrings = Off
		}
	case dialect.MySQL:
		var mode, charset string
		err := conn.QueryRowContext(ctx, "SELECT @@SESSION.sql_mode, @@SESSION.character_set_client").
			Scan(&mode, &charset)
		if err != nil {
			return Quoter{}, fmt.Errorf("sanitize: reading the MySQL session's settings: %w", err)
		}
		for _, m := range strings.Split(strings.ToUpper(mode), ",") {
			switch strings.TrimSpace(m) {
			case "NO_BACKSLASH_ESCAPES":
				q.NoBackslashEscapes = true
			case "ANSI_QUOTES":
				q.ANSIQuotes = true
			}
		}
		q.Charset = strings.ToLower(charset)
	case dialect.SQLite:
	default:
		return Quoter{}, top(errorf(ErrUnknownDialect, d.String()))
	}
	return q, nil
}
