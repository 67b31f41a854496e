package sanitize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// payloads are classic injection strings: quote breaking, backslash tricks,
// comments, stacked statements, UNION, dollar quotes, multibyte tricks.
var payloads = []string{
	"' OR '1'='1", "' OR 1=1 --", "' OR 1=1 -- ", "' OR 1=1 #", "' OR 1=1 /*", "'; DROP TABLE inj_users; --",
	`\'; DROP TABLE inj_users; -- `, `\' OR 1=1 -- `, `\\' OR 1=1 -- `, `\`, `'\`, "' UNION SELECT 1, 'x' -- ",
	"' UNION SELECT id, name FROM inj_users -- ", "admin'--", "admin' #", "admin'/*", "' OR ''='", "1' OR '1'='1' /*",
	"*/ OR 1=1 /*", `" OR "1"="1`, "` OR 1=1 -- ", "$$ OR 1=1 $$", "$a$' OR 1=1 --$a$", "E'\\'' OR 1=1 -- ",
	"\x00' OR 1=1 -- ", "a\x00", "\xbf' OR 1=1 -- ", "\xbf\\' OR 1=1 -- ", "\xbf\x5c\x27 OR 1=1 -- ", "\xc0' OR 1=1 -- ",
	"\xa1\\' OR 1=1 -- ", "\u02bc OR 1=1 -- ", "\uff07 OR 1=1 -- ", "' OR 1=1;\x1a", "\r\n' OR 1=1 -- ",
	"%' OR name LIKE '%", "alice' AND 1=0 UNION SELECT 99, 'pwned' -- ", "?", ":name", "'?' OR 1=1 -- ",
	"alice'", "'alice", "alice\x00", "ALICE", "alice ",
}

// injUsers is the table every payload is matched against.
var injUsers = []string{"alice", "bob", "O'Brien", `back\slash`}

func setupInjUsers(t *testing.T, conn *sql.Conn, q Quoter) {
	ctx := context.Background()
	create := "CREATE TEMPORARY TABLE inj_users (id INT, name VARCHAR(100))"
	if q.Dialect == dialect.MySQL {
		create += " CHARACTER SET utf8mb4" // whatever the server's default
	}
	_, err := conn.ExecContext(ctx, create)
	require.NoError(t, err)
	t.Cleanup(func() { conn.ExecContext(context.Background(), "DROP TABLE inj_users") })
	for i, name := range injUsers {
		stmt, err := q.Array("INSERT INTO inj_users (id, name) VALUES (?, ?)", i+1, name)
		require.NoError(t, err)
		_, err = conn.ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}
}

// shape runs query and returns its column and row counts and the first
// column of each row.
func shape(t *testing.T, conn *sql.Conn, query string) (cols, rows int, err error) {
	t.Helper()
	rs, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		return 0, 0, err
	}
	defer rs.Close()
	names, err := rs.Columns()
	require.NoError(t, err)
	for rs.Next() {
		rows++
	}
	return len(names), rows, rs.Err()
}

// TestInjection builds SELECT id, name FROM inj_users WHERE name = <payload>
// with Quote, Array and Hash in every session and checks that the statement
// keeps its shape: two columns, no rows (one for a payload that is a real
// name), and the table is still there.
func TestInjection(t *testing.T) {
	for _, s := range sessions() {
		t.Run(s.name, func(t *testing.T) {
			conn := s.setup(t)
			setupInjUsers(t, conn, s.q)
			ran, refused, serverRefused := 0, 0, 0
			for _, p := range append(payloads, injUsers...) {
				want := 0
				for _, u := range injUsers {
					if u == p {
						want = 1
					}
				}
				var queries []string
				lit, err := s.q.Quote(p)
				if err != nil {
					require.True(t, errors.Is(err, ErrNULInText) || errors.Is(err, ErrInvalidUTF8) ||
						errors.Is(err, ErrInvalidEncoding) || errors.Is(err, ErrUnsafeCharset), "%q: %v", p, err)
					refused++
					continue
				}
				queries = append(queries, "SELECT id, name FROM inj_users WHERE name = "+lit)
				q, err := s.q.Array("SELECT id, name FROM inj_users WHERE name = ? AND id > ?", p, 0)
				require.NoError(t, err)
				queries = append(queries, q)
				q, err = s.q.Array("SELECT id, name FROM inj_users WHERE name = :n OR name IN (:n, :list)",
					map[string]any{"n": p, "list": []string{p, p}})
				require.NoError(t, err)
				queries = append(queries, q)
				cond, err := s.q.Hash(map[string]any{"name": p, "id": []any{1, 2, 3, 4, nil}})
				require.NoError(t, err)
				queries = append(queries, "SELECT id, name FROM inj_users WHERE "+cond)
				for _, query := range queries {
					cols, rows, err := shape(t, conn, query)
					if refusedText(err) {
						serverRefused++
						continue
					}
					require.NoError(t, err, query)
					assert.Equal(t, 2, cols, query)
					assert.Equal(t, caseFold(s.q, p, want), rows, "%q\n%s", p, query)
					ran++
				}
				// The payload as an identifier: one column named by it.
				ident, err := s.q.QuoteIdentParts(p)
				if err == nil && len(p) > 0 && len(p) <= 63 && strings.TrimRight(p, " ") == p {
					rs, err := conn.QueryContext(context.Background(), "SELECT 1 AS "+ident)
					require.NoError(t, err, ident)
					names, _ := rs.Columns()
					rs.Close()
					assert.Equal(t, []string{p}, names)
					ran++
				}
			}
			var n int
			require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM inj_users").Scan(&n))
			require.Equal(t, len(injUsers), n, "inj_users lost rows")
			t.Logf("%s: %d statements kept their shape, %d payloads refused with the documented error, "+
				"%d statements refused by the server for characters it cannot convert", s.name, ran, refused, serverRefused)
		})
	}
}

// refusedText reports whether err is the server refusing a character it
// cannot convert: a character of the session's charset that the utf8mb4
// column cannot hold (MySQL 1267, 1300), or PostgreSQL's 22P05 and 22021.
func refusedText(err error) bool {
	var my *mysql.MySQLError
	var pg *pgconn.PgError
	switch {
	case errors.As(err, &my):
		return my.Number == 1267 || my.Number == 1300
	case errors.As(err, &pg):
		return pg.Code == "22P05" || pg.Code == "22021"
	}
	return false
}

// caseFold: MySQL's default collations ignore case and trailing spaces, so
// 'ALICE' and 'alice ' match alice there.
func caseFold(q Quoter, p string, want int) int {
	if q.Dialect != dialect.MySQL || want == 1 {
		return want
	}
	for _, u := range injUsers {
		if strings.EqualFold(strings.TrimRight(p, " "), u) {
			return 1
		}
	}
	return want
}

// TestGBKIsQuotedByCharacter shows, on a gbk connection, the injection
// that escaping byte by byte allows (0xbf swallows the backslash that
// escapes a quote, CVE-2006-2753) and that the gbk Quoter, which escapes by
// character, does not.
func TestGBKIsQuotedByCharacter(t *testing.T) {
	conn := myConn(t, "gbk", "")
	q := Quoter{Dialect: my, Charset: "gbk"}
	setupInjUsers(t, conn, q)
	p := "\xbf\\' OR 1=1 -- "
	// What the utf8mb4 rule writes, sent on the gbk session.
	naive := appendMySQLEscape(nil, p, myUTF8)
	cols, rows, err := shape(t, conn, "SELECT id, name FROM inj_users WHERE name = "+string(naive))
	require.NoError(t, err)
	assert.Equal(t, 2, cols)
	assert.Equal(t, len(injUsers), rows, fmt.Sprintf("the gbk server should read %q as a closed string and OR 1=1", naive))
	// The gbk Quoter leaves 0xbf 0x5c, one character, alone.
	lit, err := q.Quote(p)
	require.NoError(t, err)
	assert.Equal(t, "'\xbf\\'' OR 1=1 -- '", lit)
	cols, rows, err = shape(t, conn, "SELECT id, name FROM inj_users WHERE name = "+lit)
	require.NoError(t, err)
	assert.Equal(t, 2, cols)
	assert.Zero(t, rows)
	var got string
	require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT "+lit).Scan(&got))
	assert.Equal(t, p, got)
}

// TestRefusalsMatchServers shows that what Quote refuses, the server would
// have refused or changed.
func TestRefusalsMatchServers(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		conn := pgConn(t, "")
		var s string
		err := conn.QueryRowContext(context.Background(), `SELECT E'a\000b'`).Scan(&s)
		require.ErrorContains(t, err, "invalid") // NUL: invalid byte sequence / escape
		err = conn.QueryRowContext(context.Background(), "SELECT 'a\xffb'").Scan(&s)
		require.ErrorContains(t, err, "invalid byte sequence for encoding \"UTF8\"")
	})
	t.Run("mysql", func(t *testing.T) {
		conn := myConn(t, "", "")
		ctx := context.Background()
		_, err := conn.ExecContext(ctx, "CREATE TEMPORARY TABLE inj_utf8 (s VARCHAR(10) CHARACTER SET utf8mb4)")
		require.NoError(t, err)
		_, err = conn.ExecContext(ctx, "INSERT INTO inj_utf8 VALUES ('a\xffb')")
		require.ErrorContains(t, err, "Incorrect string value")
		_, err = conn.QueryContext(ctx, "SELECT 1e999")
		require.Error(t, err, "MySQL has no infinity")
	})
}
