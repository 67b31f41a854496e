package lockrewrite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/locking"
)

// scratchTables are the tables the corpora use, created in a scratch
// schema (PostgreSQL), database (MariaDB) or file (SQLite).
var scratchTables = []string{
	"CREATE TABLE users (id int PRIMARY KEY, name varchar(100), email varchar(100), age int, org_id int, deleted_at timestamp NULL, updated_at bigint, lock_version int NOT NULL DEFAULT 1)",
	"CREATE TABLE accounts (id int PRIMARY KEY, user_id int, balance int, version int NOT NULL DEFAULT 1, lock_version int NOT NULL DEFAULT 1)",
	"CREATE TABLE orders (id int PRIMARY KEY, user_id int, total int, lock_version int NOT NULL DEFAULT 1)",
	"CREATE TABLE jobs (id int PRIMARY KEY, state varchar(20), run_at int, lock_version int NOT NULL DEFAULT 1)",
	`CREATE TABLE "Mixed" (id int PRIMARY KEY, x int, "RowVersion" int NOT NULL DEFAULT 1)`,
	"INSERT INTO users (id, name, email, age, org_id) VALUES (1, 'a', 'a@example.com', 30, 1), (2, 'b', 'b@example.com', 40, 1)",
	"INSERT INTO accounts (id, user_id, balance) VALUES (1, 1, 100), (2, 2, 50)",
	"INSERT INTO orders (id, user_id, total) VALUES (1, 1, 10), (2, 2, 20)",
	"INSERT INTO jobs (id, state, run_at) VALUES (1, 'queued', 1), (2, 'queued', 2)",
	`INSERT INTO "Mixed" (id, x) VALUES (1, 1)`,
}

func scratchName() string { return fmt.Sprintf("lk%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6)) }

// pgScratch returns a pool whose connections see a fresh schema (dropped
// at the end) holding scratchTables.
func pgScratch(t *testing.T) *sql.DB {
	dsn := testenv.PostgresDSN(t)
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	schema := scratchName()
	ctx := context.Background()
	_, err = admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	for _, s := range scratchTables {
		_, err := db.ExecContext(ctx, s)
		require.NoError(t, err, s)
	}
	return db
}

// mariaScratch returns a pool on a fresh database (dropped at the end)
// holding scratchTables. The app user may create databases named
// grant_test*.
func mariaScratch(t *testing.T) *sql.DB {
	cfg, err := mysql.ParseDSN(testenv.MySQLDSN(t))
	require.NoError(t, err)
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	name := cfg.DBName + "_" + scratchName()
	ctx := context.Background()
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP DATABASE "+name) })
	cfg.DBName = name
	cfg.Params = map[string]string{"sql_mode": "'ANSI_QUOTES'"}
	setup, err := sql.Open("mysql", cfg.FormatDSN())
	require.NoError(t, err)
	defer setup.Close()
	for _, s := range scratchTables {
		_, err := setup.ExecContext(ctx, s)
		require.NoError(t, err, s)
	}
	cfg.Params = nil
	db, err := sql.Open("mysql", cfg.FormatDSN())
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// sqliteScratch returns a pool on a fresh database file holding scratchTables.
func sqliteScratch(t *testing.T) *sql.DB {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "lock.db")+"?_pragma=journal_mode(wal)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	for _, s := range scratchTables {
		_, err := db.Exec(s)
		require.NoError(t, err, s)
	}
	return db
}

// argsFor returns arguments for every placeholder of st: "1" for each, by
// name for SQLite named parameters, except int64(1) after LIMIT and OFFSET
// (MariaDB refuses a string there).
func argsFor(st *analyze.Statement) []driver.NamedValue {
	var args []driver.NamedValue
	seen := map[string]bool{}
	var lx analyze.Lexer
	lx.Reset(st.Dialect, st.SQL)
	prev := analyze.KwNone
	for tok := lx.Next(); tok.Kind != analyze.TokEOF; tok = lx.Next() {
		if tok.Kind == analyze.TokComment {
			continue
		}
		if tok.Kind == analyze.TokPlaceholder {
			var v driver.Value = "1"
			if prev == analyze.KwLimit || prev == analyze.KwOffset {
				v = int64(1)
			}
			n := tok.PlaceholderName(st.SQL)
			switch {
			case st.Dialect == dialect.SQLite && n != "":
				if !seen[n] {
					seen[n] = true
					args = append(args, driver.NamedValue{Name: n, Value: v})
				}
			case int(tok.Ord) > len(args):
				for len(args) < int(tok.Ord) {
					args = append(args, driver.NamedValue{Value: v})
				}
			}
		}
		prev = tok.Kw
	}
	for i := range args {
		args[i].Ordinal = i + 1
	}
	return args
}

func anyArgs(nv []driver.NamedValue) []any {
	out := make([]any, len(nv))
	for i, v := range nv {
		out[i] = v.Value
		if v.Name != "" {
			out[i] = sql.Named(v.Name, v.Value)
		}
	}
	return out
}

// runIn runs query in its own savepoint of tx (a failed statement does not
// abort the others on PostgreSQL) and drains its rows.
func runIn(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT s"); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if err != nil {
		if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT s"); rbErr != nil {
			return fmt.Errorf("%w (and rollback to savepoint: %v)", err, rbErr)
		}
		return err
	}
	_, err = tx.ExecContext(ctx, "RELEASE SAVEPOINT s")
	return err
}

// withSetting runs fn between the setting's Save/Set and its Restore, and
// checks the setting is back to its saved value afterwards.
func withSetting(t *testing.T, ctx context.Context, tx *sql.Tx, s *Setting, fn func() error) error {
	if s == nil {
		return fn()
	}
	var saved string
	require.NoError(t, tx.QueryRowContext(ctx, s.Save).Scan(&saved))
	_, err := tx.ExecContext(ctx, s.Set)
	require.NoError(t, err, s.Set)
	var during string
	require.NoError(t, tx.QueryRowContext(ctx, s.Save).Scan(&during))
	require.NotEqual(t, saved, during, "%s did not change %s", s.Set, s.Name)
	runErr := fn()
	q, args, err := s.Restore(saved)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, q, args...)
	require.NoError(t, err, q)
	var after string
	require.NoError(t, tx.QueryRowContext(ctx, s.Save).Scan(&after))
	require.Equal(t, saved, after, "%s restored", s.Name)
	return runErr
}

// TestServersAcceptLockGoldens runs every rewritten statement of the lock
// corpora on the real servers, inside a transaction on scratch tables,
// with its timeout setting around it; and, for each refusal of a shape
// PostgreSQL refuses, checks that the server indeed refuses the naive
// clause.
func TestServersAcceptLockGoldens(t *testing.T) {
	for _, c := range []struct {
		server Server
		file   string
		open   func(*testing.T) *sql.DB
	}{
		{Postgres, "postgres", pgScratch}, {MariaDB, "mysql", mariaScratch},
		// MySQL 8's output, where MariaDB shares its syntax (not FOR SHARE
		// or OF): this runs the innodb_lock_wait_timeout save, set and
		// restore.
		{MySQL, "mysql", mariaScratch},
	} {
		t.Run(c.server.String(), func(t *testing.T) {
			t.Parallel()
			db := c.open(t)
			ctx := context.Background()
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			defer tx.Rollback()
			ran, refusedByServer := 0, 0
			for _, cc := range readCorpus(t, "lock", c.file) {
				st := analyze.Analyze(c.server.Dialect(), cc.sql)
				args := anyArgs(argsFor(st))
				for _, rs := range cc.requests {
					r := parseRequest(t, rs)
					l, err := Pessimistic(c.server, st, r)
					if err != nil {
						if naive, ok := naiveClause(st, r); ok && c.server == Postgres {
							require.Error(t, runIn(ctx, tx, naive, args...), "%s: refused, but the server accepts %s", cc.name, naive)
							refusedByServer++
						}
						continue
					}
					if !l.Changed || c.server == MySQL && (strings.Contains(l.Clause, "FOR SHARE") || strings.Contains(l.Clause, " OF ")) {
						continue
					}
					err = withSetting(t, ctx, tx, l.Timeout, func() error { return runIn(ctx, tx, l.SQL, args...) })
					require.NoError(t, err, "%s [%s]: %s", cc.name, rs, l.SQL)
					ran++
				}
			}
			t.Logf("%d rewritten statements accepted, %d refusals confirmed by the server", ran, refusedByServer)
			require.Positive(t, ran)
		})
	}
}

// naiveClause appends the PostgreSQL clause of r, with the OF names as
// given, without any check, when the statement has a place for one.
func naiveClause(st *analyze.Statement, r locking.Request) (string, bool) {
	if st.Select == nil || st.Select.LockAt == 0 || st.Locking != nil {
		return "", false
	}
	at := st.Select.LockAt
	c, _ := clause(Postgres, r, r.Of)
	return st.SQL[:at] + " " + c + st.SQL[at:], true
}
