package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/registry"
)

// TestCatalogKeys reads the unique keys of tables from each server's
// catalog: primary keys (SQLite's INTEGER PRIMARY KEY, which no index
// lists, included), unique constraints and indexes, expressions as "",
// PostgreSQL's INCLUDE columns left out and exclusion constraints marked.
func TestCatalogKeys(t *testing.T) {
	forEachReal(t, func(t *testing.T, d dialect.Dialect, open func() *Engine) {
		ctx := context.Background()
		e := open()
		var pc registry.Conn
		require.NoError(t, e.reg.Default().Primary.Acquire(ctx, &pc))
		defer pc.Release(nil)
		ddl := map[dialect.Dialect][]string{
			dialect.Postgres: {
				"CREATE TABLE ck (customer_id BIGINT, id BIGINT, email TEXT, note TEXT, ref INT, during TSRANGE, " +
					"PRIMARY KEY (customer_id, id), CONSTRAINT ck_email UNIQUE (email), CONSTRAINT ck_during EXCLUDE USING gist (during WITH &&))",
				"CREATE UNIQUE INDEX ck_lower ON ck (customer_id, lower(note))",
				"CREATE UNIQUE INDEX ck_ref ON ck (ref) INCLUDE (note) WHERE ref > 0",
				"CREATE INDEX ck_plain ON ck (note)",
			},
			dialect.MySQL: {
				"CREATE TABLE ck (customer_id BIGINT, id BIGINT, email VARCHAR(40), note VARCHAR(40), " +
					"PRIMARY KEY (customer_id, id), CONSTRAINT ck_email UNIQUE (email), INDEX ck_plain (note))",
				"CREATE UNIQUE INDEX ck_two ON ck (note, customer_id)",
			},
			dialect.SQLite: {
				"CREATE TABLE ck (id INTEGER PRIMARY KEY, customer_id BIGINT, email TEXT UNIQUE, note TEXT)",
				"CREATE UNIQUE INDEX ck_lower ON ck (customer_id, lower(note))",
				"CREATE INDEX ck_plain ON ck (note)",
				"CREATE TABLE ckw (customer_id BIGINT, id BIGINT, PRIMARY KEY (customer_id, id)) WITHOUT ROWID",
			},
		}[d]
		for _, q := range ddl {
			_, err := pc.Exec(ctx, q, nil, false)
			require.NoError(t, err, q)
		}
		keys, err := catalogKeys(ctx, d, &pc, &planner.KeysRequest{Table: "ck", Name: "ck"})
		require.NoError(t, err)
		want := map[dialect.Dialect][]planner.UniqueKey{
			dialect.Postgres: {
				{Name: "ck_during", Columns: []string{}, Exclusion: true},
				{Name: "ck_email", Columns: []string{"email"}},
				{Name: "ck_lower", Columns: []string{"customer_id", ""}},
				{Name: "ck_pkey", Columns: []string{"customer_id", "id"}},
				{Name: "ck_ref", Columns: []string{"ref"}},
			},
			dialect.MySQL: {
				{Name: "PRIMARY", Columns: []string{"customer_id", "id"}},
				{Name: "ck_email", Columns: []string{"email"}},
				{Name: "ck_two", Columns: []string{"note", "customer_id"}},
			},
			dialect.SQLite: {
				{Name: "PRIMARY KEY", Columns: []string{"id"}},
				{Name: "ck_lower", Columns: []string{"customer_id", ""}},
				{Name: "sqlite_autoindex_ck_1", Columns: []string{"email"}},
			},
		}[d]
		assert.ElementsMatch(t, want, keys)
		if d == dialect.SQLite {
			keys, err := catalogKeys(ctx, d, &pc, &planner.KeysRequest{Table: "ckw", Name: "ckw"})
			require.NoError(t, err)
			assert.Equal(t, []planner.UniqueKey{{Name: "sqlite_autoindex_ckw_1", Columns: []string{"customer_id", "id"}}}, keys)
		}
		keys, err = catalogKeys(ctx, d, &pc, &planner.KeysRequest{Table: "nope", Name: "nope"})
		require.NoError(t, err)
		assert.Empty(t, keys, "no table, no keys: the statement fails on the server")
	})
}
