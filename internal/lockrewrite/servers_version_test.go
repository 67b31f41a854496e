package lockrewrite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

// TestServersAcceptVersionGoldens runs every rewritten UPDATE and DELETE
// of the version corpora on the real servers with the version argument in
// place, inside a transaction on scratch tables.
func TestServersAcceptVersionGoldens(t *testing.T) {
	for _, c := range []struct {
		server Server
		open   func(*testing.T) *sql.DB
	}{
		{Postgres, pgScratch}, {MariaDB, mariaScratch}, {SQLite, sqliteScratch},
	} {
		t.Run(c.server.String(), func(t *testing.T) {
			db := c.open(t)
			ctx := context.Background()
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			defer tx.Rollback()
			ran := 0
			for _, cc := range readCorpus(t, "version", c.server.Dialect().String()) {
				st := analyze.Analyze(c.server.Dialect(), cc.sql)
				v, err := Optimistic(st, versionConfig())
				if err != nil || !v.Changed || strings.Contains(cc.sql, "audit.") || strings.Contains(cc.sql, "CURRENT OF") {
					continue
				}
				args := anyArgs(v.Args(argsFor(st), 1))
				require.NoError(t, runIn(ctx, tx, v.SQL, args...), "%s: %s %v", cc.name, v.SQL, args)
				ran++
			}
			t.Logf("%d rewritten statements accepted", ran)
			require.Positive(t, ran)
		})
	}
}

// TestServersVersionCheck runs the optimistic rewrite for real: the first
// UPDATE at the row's version changes it and bumps the version, the same
// UPDATE again is stale, and a DELETE at the new version goes through.
func TestServersVersionCheck(t *testing.T) {
	for _, c := range []struct {
		server         Server
		open           func(*testing.T) *sql.DB
		update, delete string
	}{
		{Postgres, pgScratch, "UPDATE users SET name = $1 WHERE id = $2", "DELETE FROM users WHERE id = $1"},
		{MariaDB, mariaScratch, "UPDATE users SET name = ? WHERE id = ? LIMIT 1", "DELETE FROM users WHERE id = ?"},
		{SQLite, sqliteScratch, "UPDATE users SET name = :name WHERE id = :id", "DELETE FROM users WHERE id = ?"},
	} {
		t.Run(c.server.String(), func(t *testing.T) {
			t.Parallel()
			db := c.open(t)
			ctx := context.Background()
			w := New(c.server, &locking.Config{VersionColumn: "lock_version"}, 0)
			exec := func(q string, args []driver.NamedValue, version int64) (*Version, int64) {
				v, err := w.Version(analyze.Analyze(c.server.Dialect(), q))
				require.NoError(t, err)
				res, err := db.ExecContext(ctx, v.SQL, anyArgs(v.Args(args, version))...)
				require.NoError(t, err, v.SQL)
				n, err := res.RowsAffected()
				require.NoError(t, err)
				return v, n
			}
			upd := []driver.NamedValue{{Ordinal: 1, Value: "renamed"}, {Ordinal: 2, Value: int64(1)}}
			if c.server == SQLite {
				upd[0].Name, upd[1].Name = "name", "id"
			}
			v, n := exec(c.update, upd, 1)
			require.Equal(t, int64(1), n)
			require.NoError(t, v.Check(n, 1))
			var version int64
			var name string
			require.NoError(t, db.QueryRowContext(ctx, "SELECT lock_version, name FROM users WHERE id = 1").Scan(&version, &name))
			require.Equal(t, int64(2), version, "the UPDATE bumped the version")
			require.Equal(t, "renamed", name)

			v, n = exec(c.update, upd, 1)
			require.Zero(t, n)
			err := v.Check(n, 1)
			require.ErrorIs(t, err, locking.ErrStaleObject)
			require.Equal(t, &locking.StaleObjectError{Table: "users", Version: 1, Column: "lock_version"}, err)

			del := []driver.NamedValue{{Ordinal: 1, Value: int64(1)}}
			v, n = exec(c.delete, del, 1)
			require.Error(t, v.Check(n, 1), "a DELETE at an old version is stale")
			v, n = exec(c.delete, del, 2)
			require.NoError(t, v.Check(n, 2))
			require.Equal(t, int64(1), n)
		})
	}
}
