package main

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// server is what one node's server says about itself.
type server struct {
	Version string
	// ReadOnly: the server refuses writes (PostgreSQL transaction_read_only,
	// MySQL read_only, SQLite query_only). InRecovery: a PostgreSQL standby.
	ReadOnly, InRecovery bool
	// TwoPC says whether the node can take part in a two-phase commit, and
	// TwoPCNote why not or with what limit.
	TwoPC     bool
	TwoPCNote string
	// InDoubt counts the transactions prepared on the server and not yet
	// committed or rolled back (PostgreSQL: in the node's database).
	InDoubt int
}

// probeServer asks n's server for its version, read-only state and
// two-phase commit support.
func probeServer(ctx context.Context, n *registry.Node) (server, error) {
	conn, err := n.DB.Conn(ctx)
	if err != nil {
		return server{}, err
	}
	defer conn.Close()
	switch n.Dialect() {
	case dialect.Postgres:
		return probePostgres(ctx, conn)
	case dialect.MySQL:
		return probeMySQL(ctx, conn)
	}
	return probeSQLite(ctx, conn)
}

func probePostgres(ctx context.Context, conn *sql.Conn) (server, error) {
	var s server
	var readOnly string
	var maxPrepared int
	err := conn.QueryRowContext(ctx, `SELECT current_setting('server_version'), pg_is_in_recovery(),
		current_setting('transaction_read_only'), current_setting('max_prepared_transactions')::int,
		(SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database())`).
		Scan(&s.Version, &s.InRecovery, &readOnly, &maxPrepared, &s.InDoubt)
	if err != nil {
		return s, err
	}
	s.Version, _, _ = strings.Cut(s.Version, " ")
	s.ReadOnly = readOnly == "on"
	s.TwoPC = maxPrepared > 0
	if s.TwoPC {
		s.TwoPCNote = fmt.Sprintf("max_prepared_transactions %d", maxPrepared)
	} else {
		s.TwoPCNote = "max_prepared_transactions is 0"
	}
	return s, nil
}

func probeMySQL(ctx context.Context, conn *sql.Conn) (server, error) {
	var s server
	if err := conn.QueryRowContext(ctx, `SELECT @@version, @@read_only`).Scan(&s.Version, &s.ReadOnly); err != nil {
		return s, err
	}
	s.TwoPC, s.TwoPCNote = xaDurable(s.Version)
	rows, err := conn.QueryContext(ctx, `XA RECOVER`)
	if err != nil {
		s.TwoPC, s.TwoPCNote = false, "XA RECOVER refused: "+err.Error()
		return s, nil
	}
	defer rows.Close()
	for rows.Next() {
		s.InDoubt++
	}
	return s, rows.Err()
}

// xaDurable reports whether a server of version v keeps XA transactions
// prepared across a disconnect and a restart: MariaDB from 10.5, MySQL
// from 5.7.7.
func xaDurable(v string) (bool, string) {
	want, name := []int{5, 7, 7}, "MySQL"
	if strings.Contains(v, "MariaDB") {
		want, name = []int{10, 5}, "MariaDB"
	}
	got := versionNumbers(v)
	for i, w := range want {
		g := 0
		if i < len(got) {
			g = got[i]
		}
		if g != w {
			if g < w {
				return false, fmt.Sprintf("XA prepared transactions do not survive a restart before %s %s", name, joinInts(want))
			}
			break
		}
	}
	return true, "XA"
}

// versionNumbers returns the leading dotted numbers of a version string:
// "10.11.19-MariaDB-log" gives [10 11 19].
func versionNumbers(v string) []int {
	var out []int
	for _, part := range strings.Split(v, ".") {
		end := 0
		for end < len(part) && part[end] >= '0' && part[end] <= '9' {
			end++
		}
		n, err := strconv.Atoi(part[:end])
		if err != nil {
			break
		}
		out = append(out, n)
		if end < len(part) {
			break
		}
	}
	return out
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ".")
}

func probeSQLite(ctx context.Context, conn *sql.Conn) (server, error) {
	s := server{TwoPCNote: "SQLite has no prepared transactions"}
	if err := conn.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&s.Version); err != nil {
		return s, err
	}
	err := conn.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&s.ReadOnly)
	return s, err
}

// activity counts the statements running on n's server in n's database,
// other than this one, as far as the user may see them (PostgreSQL shows
// other users' sessions to members of pg_read_all_stats only, MySQL to
// users with the PROCESS privilege). SQLite has no server: -1.
func activity(ctx context.Context, n *registry.Node) (int, error) {
	var q string
	switch n.Dialect() {
	case dialect.Postgres:
		q = `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`
	case dialect.MySQL:
		q = `SELECT count(*) FROM information_schema.PROCESSLIST
			WHERE DB = DATABASE() AND COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID')
			AND ID <> CONNECTION_ID()`
	default:
		return -1, n.DB.PingContext(ctx)
	}
	var count int
	err := n.DB.QueryRowContext(ctx, q).Scan(&count)
	return count, err
}
