package grant_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/routing"
)

// assertForcedWriteRefused checks that a write under routing.ForceReplica
// fails with routing.ErrReadOnly without taking a connection anywhere.
func assertForcedWriteRefused(t *testing.T, rc *rtCluster, write string) {
	t.Helper()
	ps, rs := rc.stmts()
	_, pe := counts(rc.primary)
	_, re := counts(rc.replica)
	_, err := rc.db.ExecContext(routing.ForceReplica(context.Background()), write)
	require.ErrorIs(t, err, routing.ErrReadOnly)
	var roe *routing.ReadOnlyError
	require.ErrorAs(t, err, &roe)
	assert.Equal(t, routing.ByForceReplica, roe.By)
	assert.Equal(t, "insert", roe.Kind)
	p, r := rc.stmts()
	assert.Equal(t, [2]int64{ps, rs}, [2]int64{p, r}, "no connection taken")
	_, e1 := counts(rc.primary)
	_, e2 := counts(rc.replica)
	assert.Equal(t, [2]int64{pe, re}, [2]int64{e1, e2}, "no server saw the write")
}

func TestRoutingPreventWrites(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.SQLite, dialect.Postgres, dialect.MySQL} {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			rc := openRT(t, d, "routing: {read_your_writes: {mode: off}}")
			tbl := rc.table(t, "prevent", "id INT PRIMARY KEY, v VARCHAR(10)")
			_, err := rc.rawPrimary.Exec("INSERT INTO " + tbl + " VALUES (1, 'a')")
			require.NoError(t, err)
			require.Eventually(t, func() bool {
				var n int
				return rc.rawReplica.QueryRow("SELECT count(*) FROM "+tbl).Scan(&n) == nil && n == 1
			}, 15*time.Second, 10*time.Millisecond, "the replica never got the row")
			pctx := routing.PreventWrites(ctx)

			ps, rs := rc.stmts()
			pq, pe := counts(rc.primary)
			_, re := counts(rc.replica)
			for kind, q := range map[string]string{
				"insert": "INSERT INTO " + tbl + " VALUES (2, 'b')",
				"update": "UPDATE " + tbl + " SET v = 'z'",
				"delete": "DELETE FROM " + tbl,
			} {
				_, err := rc.db.ExecContext(pctx, q)
				require.ErrorIs(t, err, routing.ErrReadOnly, q)
				var roe *routing.ReadOnlyError
				require.ErrorAs(t, err, &roe)
				assert.Equal(t, kind, roe.Kind)
				assert.Equal(t, routing.ByPreventWrites, roe.By)
				assert.Contains(t, err.Error(), kind+" statement refused")
			}
			tx, err := rc.db.BeginTx(pctx, nil)
			require.NoError(t, err)
			_, err = tx.ExecContext(pctx, "INSERT INTO "+tbl+" VALUES (3, 'c')")
			assert.ErrorIs(t, err, routing.ErrReadOnly, "also inside a transaction")
			require.NoError(t, tx.Rollback())
			p, r := rc.stmts()
			assert.Equal(t, ps+1, p, "only the transaction took a connection")
			assert.Equal(t, rs, r)
			q, e := counts(rc.primary)
			_, e2 := counts(rc.replica)
			assert.Equal(t, [3]int64{pq, pe, re}, [3]int64{q, e, e2}, "no server saw a refused write")

			var v string
			require.NoError(t, rc.db.QueryRowContext(pctx, "SELECT v FROM "+tbl+" WHERE id = 1").Scan(&v))
			assert.Equal(t, "a", v, "reads still run")
			assert.EqualValues(t, 1, scanInt(t, ctx, rc.rawPrimary, "SELECT count(*) FROM "+tbl))
			_, err = rc.db.ExecContext(routing.AllowWrites(pctx), "INSERT INTO "+tbl+" VALUES (4, 'd')")
			assert.NoError(t, err, "routing.AllowWrites lifts it")
		})
	}
}
