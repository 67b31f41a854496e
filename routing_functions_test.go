package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/routing"
)

// writingFunction creates, on rc's primary, a table and a function that
// inserts a row into it and returns 1, both dropped when the test ends. It
// returns their names.
func writingFunction(t *testing.T, rc *rtCluster) (fn, tbl string) {
	t.Helper()
	fn, tbl = rtName("wfn"), rc.table(t, "wfn_rows", "id INT")
	create := "CREATE FUNCTION " + fn + "() RETURNS INT LANGUAGE plpgsql AS $$ BEGIN INSERT INTO " + tbl +
		" VALUES (1); RETURN 1; END $$"
	if rc.d == dialect.MySQL {
		create = "CREATE FUNCTION " + fn + "() RETURNS INT DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO " + tbl +
			" VALUES (1); RETURN 1; END"
	}
	_, err := rc.rawPrimary.Exec("DROP FUNCTION IF EXISTS " + fn)
	require.NoError(t, err)
	_, err = rc.rawPrimary.Exec(create)
	require.NoError(t, err)
	t.Cleanup(func() { rc.rawPrimary.Exec("DROP FUNCTION IF EXISTS " + fn) })
	return fn, tbl
}

func rowsIn(t *testing.T, rc *rtCluster, tbl string) int64 {
	t.Helper()
	return scanInt(t, context.Background(), rc.rawPrimary, "SELECT count(*) FROM "+tbl)
}

func forServers(t *testing.T, fn func(t *testing.T, d dialect.Dialect)) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL} {
		t.Run(d.String(), func(t *testing.T) { fn(t, d) })
	}
}

// PreventWrites guarantees that nothing writes: a function the analyzer
// does not know runs where the server refuses writes, and functions that
// change server or session state are refused before any I/O.
func TestPreventWritesStopsWritingFunctions(t *testing.T) {
	forServers(t, func(t *testing.T, d dialect.Dialect) {
		rc := openRT(t, d, "")
		fn, tbl := writingFunction(t, rc)
		ctx := context.Background()
		// One row, so that ORDER BY calls the function.
		_, err := rc.rawPrimary.Exec("INSERT INTO " + tbl + " VALUES (0)")
		require.NoError(t, err)
		rc.table(t, "wfn_sync", "id INT") // the replica has caught up with the row
		for name, pctx := range map[string]context.Context{
			"primary": routing.PreventWrites(routing.ForcePrimary(ctx)),
			"routed":  routing.PreventWrites(ctx),
		} {
			for _, q := range []string{"SELECT " + fn + "()", "SELECT * FROM " + tbl + " ORDER BY " + fn + "()"} {
				rows, err := rc.db.QueryContext(pctx, q)
				if err == nil {
					for rows.Next() {
					}
					err = rows.Err()
					rows.Close()
				}
				assert.Error(t, err, "%s: %s", name, q)
			}
		}
		assert.Equal(t, int64(1), rowsIn(t, rc, tbl), "nothing was written")

		pctx := routing.PreventWrites(routing.ForcePrimary(ctx))
		refused := []string{"SELECT pg_advisory_lock(7)", "SELECT set_config('application_name', 'x', false)"}
		if d == dialect.MySQL {
			refused = []string{"SELECT GET_LOCK('grant_prevent', 1)", "SELECT RELEASE_LOCK('grant_prevent')"}
		}
		for _, q := range refused {
			_, err := rc.db.ExecContext(pctx, q)
			assert.ErrorIs(t, err, routing.ErrReadOnly, q)
		}

		// A transaction begun under PreventWrites is READ ONLY on the server.
		tx, err := rc.db.BeginTx(pctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(pctx, "SELECT "+fn+"()")
		assert.Error(t, err)
		assert.NotErrorIs(t, err, routing.ErrReadOnly, "the server refused it")
		require.NoError(t, tx.Rollback())
		// In a read-write transaction nothing could stop the function: refused.
		tx, err = rc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(pctx, "SELECT "+fn+"()")
		assert.ErrorIs(t, err, routing.ErrReadOnly)
		require.NoError(t, tx.Rollback())
		assert.Equal(t, int64(1), rowsIn(t, rc, tbl), "nothing was written")

		// Without PreventWrites the same read runs, and writes, on the primary.
		var one int
		require.NoError(t, rc.db.QueryRowContext(routing.ForcePrimary(ctx), "SELECT "+fn+"()").Scan(&one))
		assert.Equal(t, int64(2), rowsIn(t, rc, tbl))
	})
}

// routing.primary_functions and routing.unknown_functions decide where a
// function that is not built in runs.
func TestRoutingOfConfiguredFunctions(t *testing.T) {
	forServers(t, func(t *testing.T, d dialect.Dialect) {
		ctx := context.Background()
		rc := openRT(t, d, "")
		fn, tbl := writingFunction(t, rc)
		q := "SELECT " + fn + "()"
		assert.Equal(t, "replica", rc.explain(t, ctx, q).Role().String(), "unknown functions are assumed to read")
		assert.Error(t, scanOne(ctx, rc.db, q), "the replica refuses the write")
		for _, settings := range []string{
			fmt.Sprintf("routing: {primary_functions: [%s]}", fn),
			"routing: {unknown_functions: primary}",
		} {
			rc2 := openRTOn(t, rc, settings)
			assert.Equal(t, "primary", rc2.explain(t, ctx, q).Role().String(), settings)
			require.NoError(t, scanOne(ctx, rc2.db, q), settings)
		}
		assert.Equal(t, int64(2), rowsIn(t, rc, tbl))
		if d == dialect.Postgres {
			for _, q := range []string{"SELECT pg_terminate_backend(0)", "SELECT pg_cancel_backend(0)",
				"SELECT pg_stat_reset()", "SELECT pg_reload_conf()", "SELECT pg_rotate_logfile()"} {
				assert.Equal(t, "primary", rc.explain(t, ctx, q).Role().String(), q)
			}
		}
		for _, q := range []string{"EXPLAIN DELETE FROM " + tbl, "EXPLAIN UPDATE " + tbl + " SET id = 2"} {
			assert.Equal(t, "replica", rc.explain(t, routing.ForceReplica(ctx), q).Role().String(), q)
		}
	})
}

// scanOne runs q, which returns one value, and returns its error.
func scanOne(ctx context.Context, db *sql.DB, q string) error {
	var v any
	return db.QueryRowContext(ctx, q).Scan(&v)
}

// openRTOn opens another connector on rc's nodes, with other settings.
func openRTOn(t *testing.T, rc *rtCluster, settings string) *rtCluster {
	t.Helper()
	return openRT(t, rc.d, settings)
}
