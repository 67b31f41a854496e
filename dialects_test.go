package grant_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

// target is one dialect's single-database cluster for the shared scenarios.
type target struct {
	d       dialect.Dialect
	primary string
	// ph returns the i-th (1-based) placeholder of the dialect.
	ph func(i int) string
}

// forEachDialect runs fn on SQLite, and on PostgreSQL and MariaDB when their
// servers are configured (always under CI).
func forEachDialect(t *testing.T, fn func(t *testing.T, tg target)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, target{d: dialect.SQLite, ph: qmark,
			primary: "file:" + filepath.Join(t.TempDir(), "t.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, target{d: dialect.Postgres, primary: testenv.PostgresDSN(t), ph: dollar})
	})
	t.Run("mysql", func(t *testing.T) {
		fn(t, target{d: dialect.MySQL, primary: withParam(testenv.MySQLDSN(t), "parseTime=true"), ph: qmark})
	})
}

func qmark(int) string    { return "?" }
func dollar(i int) string { return "$" + strconv.Itoa(i) }

func withParam(dsn, p string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + p
	}
	return dsn + "?" + p
}

func (tg target) open(t *testing.T, opts ...grant.Option) (*sql.DB, *grant.Connector) {
	c, err := grant.NewConnector(&grant.Config{Dialect: tg.d,
		Databases: map[string]*config.Database{"main": {Primary: tg.primary}}}, opts...)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db, c
}

// table creates a fresh table named for the test and drops it afterwards.
func (tg target) table(t *testing.T, db *sql.DB, name, cols string) string {
	ctx := context.Background()
	_, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+name)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "CREATE TABLE "+name+" ("+cols+")")
	require.NoError(t, err)
	t.Cleanup(func() { db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+name) })
	return name
}

func (tg target) serial() string {
	switch tg.d {
	case dialect.Postgres:
		return "id BIGSERIAL PRIMARY KEY"
	case dialect.MySQL:
		return "id BIGINT AUTO_INCREMENT PRIMARY KEY"
	}
	return "id INTEGER PRIMARY KEY"
}

func TestDialectCRUDAndResults(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		db, _ := tg.open(t)
		tbl := tg.table(t, db, "grant_crud", tg.serial()+", name VARCHAR(50) NOT NULL, score DOUBLE PRECISION, data "+blobType(tg.d))
		ins := "INSERT INTO " + tbl + " (name, score, data) VALUES (" + tg.ph(1) + ", " + tg.ph(2) + ", " + tg.ph(3) + ")"
		res, err := db.ExecContext(ctx, ins, "ann", 2.5, []byte{0, 1, 2})
		require.NoError(t, err)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		if tg.d != dialect.Postgres {
			id, err := res.LastInsertId()
			require.NoError(t, err)
			assert.Equal(t, int64(1), id)
		}
		stmt, err := db.PrepareContext(ctx, ins)
		require.NoError(t, err)
		_, err = stmt.ExecContext(ctx, "bob", nil, nil)
		require.NoError(t, err)
		require.NoError(t, stmt.Close())

		var name string
		var score sql.NullFloat64
		var data []byte
		require.NoError(t, db.QueryRowContext(ctx, "SELECT name, score, data FROM "+tbl+" WHERE name = "+tg.ph(1), "ann").Scan(&name, &score, &data))
		assert.Equal(t, []byte{0, 1, 2}, data)
		assert.Equal(t, 2.5, score.Float64)
		err = db.QueryRowContext(ctx, "SELECT name FROM "+tbl+" WHERE name = "+tg.ph(1), "nobody").Scan(&name)
		assert.ErrorIs(t, err, sql.ErrNoRows)

		rows, err := db.QueryContext(ctx, "SELECT id, name FROM "+tbl+" ORDER BY id")
		require.NoError(t, err)
		cts, err := rows.ColumnTypes()
		require.NoError(t, err)
		assert.NotEmpty(t, cts[1].DatabaseTypeName())
		assert.Equal(t, []string{"id", "name"}, mustColumns(t, rows))
		count := 0
		for rows.Next() {
			count++
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, 2, count)
	})
}

func blobType(d dialect.Dialect) string {
	if d == dialect.Postgres {
		return "BYTEA"
	}
	return "BLOB"
}

func mustColumns(t *testing.T, rows *sql.Rows) []string {
	cols, err := rows.Columns()
	require.NoError(t, err)
	return cols
}

func TestDialectTransactions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		db, _ := tg.open(t)
		tbl := tg.table(t, db, "grant_tx", tg.serial()+", v VARCHAR(20)")
		ins := "INSERT INTO " + tbl + " (v) VALUES (" + tg.ph(1) + ")"

		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, ins, "kept")
		require.NoError(t, err)
		require.NoError(t, tx.Commit())

		tx, err = db.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, ins, "dropped")
		require.NoError(t, err)
		require.NoError(t, tx.Rollback())

		var n int
		require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM "+tbl).Scan(&n))
		assert.Equal(t, 1, n)

		if tg.d == dialect.SQLite {
			return // SQLite has one isolation level and no READ ONLY transactions
		}
		tx, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
		require.NoError(t, err)
		var level string
		q := "SHOW TRANSACTION ISOLATION LEVEL"
		if tg.d == dialect.MySQL {
			// SET TRANSACTION changes only the next transaction: ask InnoDB
			// for the running one (it exists once it has read a table).
			require.NoError(t, tx.QueryRowContext(ctx, "SELECT count(*) FROM "+tbl).Scan(new(int)))
			q = "SELECT trx_isolation_level FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()"
		}
		require.NoError(t, tx.QueryRowContext(ctx, q).Scan(&level))
		assert.Contains(t, strings.ToLower(level), "serializable")
		require.NoError(t, tx.Commit())

		tx, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, ins, "refused")
		require.Error(t, err, "a READ ONLY transaction refuses writes")
		require.NoError(t, tx.Rollback())
	})
}

func TestDialectErrorsUnwrap(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		db, _ := tg.open(t)
		tbl := tg.table(t, db, "grant_errs", "id INT PRIMARY KEY")
		_, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" (id) VALUES (1)")
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, "INSERT INTO "+tbl+" (id) VALUES (1)")
		require.Error(t, err)
		// The server's own error comes back as it is, so ORMs that identify
		// it by type assertion (GORM's TranslateError) keep working.
		switch tg.d {
		case dialect.Postgres:
			pgErr, ok := err.(*pgconn.PgError)
			require.True(t, ok, "%T", err)
			assert.Equal(t, "23505", pgErr.Code)
		case dialect.MySQL:
			myErr, ok := err.(*mysql.MySQLError)
			require.True(t, ok, "%T", err)
			assert.Equal(t, uint16(1062), myErr.Number)
		case dialect.SQLite:
			_, ok := err.(*sqlite.Error)
			require.True(t, ok, "%T", err)
		}
	})
}

func TestDialectContextCancellation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d == dialect.SQLite {
			t.Skip("SQLite has no server-side sleep")
		}
		db, _ := tg.open(t)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		q := "SELECT pg_sleep(10)"
		if tg.d == dialect.MySQL {
			q = "SELECT SLEEP(10)"
		}
		var x any
		err := db.QueryRowContext(ctx, q).Scan(&x)
		if tg.d == dialect.MySQL && err == nil {
			// MariaDB's SLEEP returns 1 when the query is killed.
			assert.EqualValues(t, 1, x)
			return
		}
		require.Error(t, err)
		require.NoError(t, db.PingContext(context.Background()), "the pool recovers after a cancelled query")
	})
}

// TestNodeDownAtStartup: a dead node does not stop the others, and a
// statement that needs it fails naming it, without its password.
func TestNodeDownAtStartup(t *testing.T) {
	ctx := context.Background()
	good := "file:" + filepath.Join(t.TempDir(), "ok.db")
	cfg := &grant.Config{Dialect: dialect.SQLite, DefaultDatabase: "ok", Databases: map[string]*config.Database{
		"ok":   {Primary: good},
		"dead": {Primary: "file:" + filepath.Join(t.TempDir(), "missing", "dir", "x.db") + "?mode=ro"},
	}}
	c, err := grant.NewConnector(cfg)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	require.NoError(t, db.PingContext(ctx))
	err = db.PingContext(grant.UseDatabase(ctx, "dead"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "node dead.primary")
	err = db.PingContext(grant.UseDatabase(ctx, "nope"))
	assert.ErrorContains(t, err, `unknown database "nope"`)

	pg := &grant.Config{Dialect: dialect.Postgres, Databases: map[string]*config.Database{
		"main": {Primary: "postgres://app:hunter2@127.0.0.1:1/db?connect_timeout=1"}}}
	c, err = grant.NewConnector(pg)
	require.NoError(t, err, "opening does no I/O")
	pdb := sql.OpenDB(c)
	defer pdb.Close()
	err = pdb.PingContext(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "node main.primary")
	assert.NotContains(t, err.Error(), "hunter2")
}
