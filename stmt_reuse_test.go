package grant_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
)

// serverPrepares returns what the server counts of prepared statements on
// the physical connection under conn: PostgreSQL the entries of
// pg_prepared_statements for q, MariaDB the session's Com_stmt_prepare.
func serverPrepares(t *testing.T, ctx context.Context, d dialect.Dialect, conn *sql.Conn, q string) int {
	t.Helper()
	var n int
	err := conn.Raw(func(dc any) error {
		return dc.(*grant.Conn).Raw(ctx, func(real any) error {
			switch d {
			case dialect.Postgres:
				return real.(*stdlib.Conn).Conn().QueryRow(ctx,
					"SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", q).Scan(&n)
			default:
				rows, err := real.(driver.QueryerContext).QueryContext(ctx, "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'", nil)
				if err != nil {
					return err
				}
				defer rows.Close()
				row := make([]driver.Value, 2)
				if err := rows.Next(row); err != nil {
					return err
				}
				n, err = strconv.Atoi(string(row[1].([]byte)))
				return err
			}
		})
	})
	require.NoError(t, err)
	return n
}

// A *sql.Stmt reused on one physical connection is prepared on the server
// once, however often it runs.
func TestPreparedStatementPreparedOncePerConnection(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d == dialect.SQLite {
			t.Skip("no server to count prepares on")
		}
		ctx := context.Background()
		db, _ := tg.openCapped(t, 1)
		tbl := tg.table(t, db, "grant_prep_once", tg.serial()+", name VARCHAR(40)")
		_, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" (name) VALUES ('a')")
		require.NoError(t, err)
		q := "SELECT name FROM " + tbl + " WHERE id = " + tg.ph(1)
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		before := serverPrepares(t, ctx, tg.d, conn, q)
		stmt, err := conn.PrepareContext(ctx, q)
		require.NoError(t, err)
		for range 20 {
			var name string
			require.NoError(t, stmt.QueryRowContext(ctx, 1).Scan(&name))
			assert.Equal(t, "a", name)
		}
		require.NoError(t, stmt.Close())
		after := serverPrepares(t, ctx, tg.d, conn, q)
		switch tg.d {
		case dialect.Postgres:
			assert.Equal(t, 1, after, "server-side prepared statements for the query")
		default:
			// The SHOW statement itself is not prepared (text protocol).
			assert.Equal(t, 1, after-before, "Com_stmt_prepare during 20 executions")
		}
	})
}
