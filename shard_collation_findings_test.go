package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// The findings of the sharding review, one by one, on a table whose rows
// are spread so that every shard holds one of each pair of texts the
// collation makes equal (or orders apart from byte order):
//
//  1. ORDER BY a column in a collation the merge did not reproduce (ICU on
//     PostgreSQL, an undeclared utf8mb4_bin on MariaDB) came back
//     misordered without an error when a LIMIT or a one-row shard hid it;
//  2. MariaDB's default collation ignores accents: Å = A, é = e;
//  3. GROUP BY and DISTINCT split groups the server holds equal;
//  4. plain ORDER BY name on a default MariaDB schema was refused.
func TestShardCollationFindings(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d == dialect.SQLite {
			t.Skip("the findings are PostgreSQL's and MariaDB's")
		}
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
				sc := newShardCluster(t, tg, n, withWords)
				ctx := context.Background()
				col, other := "icu_txt", `"C"`
				ddl := `CREATE TABLE words (id BIGINT PRIMARY KEY, k BIGINT NOT NULL, icu_txt TEXT COLLATE "und-x-icu")`
				if sc.d == dialect.MySQL {
					col, other = "name", "utf8mb4_bin"
					ddl = "CREATE TABLE words (id BIGINT PRIMARY KEY, k BIGINT NOT NULL, name VARCHAR(20), bin VARCHAR(20) COLLATE utf8mb4_bin)"
				}
				texts := []string{"éclair", "eclair", "ñ", "n", "Åsa", "Asa", "b", "B"}
				for _, db := range []*sql.DB{sc.db, sc.ref} {
					_, err := db.ExecContext(ctx, ddl)
					require.NoError(t, err)
					for i, txt := range texts {
						q := sc.bind("INSERT INTO words (id, k, " + col + ") VALUES (?, ?, ?)")
						args := []any{i + 1, i % n, txt}
						if sc.d == dialect.MySQL {
							q = "INSERT INTO words (id, k, name, bin) VALUES (?, ?, ?, ?)"
							args = append(args, txt)
						}
						_, err := db.ExecContext(ctx, q, args...)
						require.NoError(t, err)
					}
				}
				reads := []string{
					"SELECT id, {c} FROM words ORDER BY {c} LIMIT 1",
					"SELECT id, {c} FROM words ORDER BY {c} DESC, id LIMIT 3",
					"SELECT id, {c} FROM words ORDER BY {c}, id",
				}
				for _, c := range []string{col, map[dialect.Dialect]string{dialect.MySQL: "bin"}[sc.d]} {
					for _, q := range reads {
						if c != "" {
							sc.compareColl(t, "finding 1, 2, 4", strings.ReplaceAll(q, "{c}", c), c, nil, true)
						}
					}
				}
				sc.compareColl(t, "finding 3", "SELECT "+col+", COUNT(*) FROM words GROUP BY "+col, col, []int{0}, false)
				sc.compareColl(t, "finding 3", "SELECT DISTINCT "+col+" FROM words", col, []int{0}, false)
				if sc.d == dialect.MySQL {
					var groups int
					rows, err := sc.db.QueryContext(ctx, "SELECT DISTINCT name FROM words WHERE name IN ('eclair', 'éclair', 'n', 'ñ')")
					require.NoError(t, err)
					for rows.Next() {
						groups++
					}
					require.NoError(t, rows.Err())
					rows.Close()
					assert.Equal(t, 2, groups, "eclair = éclair and n = ñ under utf8mb4_general_ci")
				}
				sc.compareColl(t, "COLLATE", "SELECT id, "+col+" FROM words ORDER BY "+col+" COLLATE "+other+", id", "", nil, true)
			})
		}
	})
}

// The collations are read again after DDL run through Grant: a column
// whose collation changes orders by its new collation at once.
func TestShardCollationAfterDDL(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d == dialect.SQLite {
			t.Skip("SQLite cannot change a column's collation")
		}
		sc := newShardCluster(t, tg, 2, withWords)
		cols := wordColumns(t, sc.d, sc.ref)
		sc.loadWords(t, cols)
		col, alter := "c_txt", `ALTER TABLE words ALTER COLUMN c_txt TYPE TEXT COLLATE "und-x-icu"`
		if sc.d == dialect.MySQL {
			col, alter = "bin", "ALTER TABLE words MODIFY bin VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
		}
		q := "SELECT id, " + col + " FROM words ORDER BY " + col + ", id"
		sc.compareColl(t, "before", q, col, nil, true)
		for _, db := range []*sql.DB{sc.db, sc.ref} {
			_, err := db.ExecContext(context.Background(), alter)
			require.NoError(t, err, alter)
		}
		// pgx keeps prepared statements per connection, whose result type
		// the ALTER changed: the reference starts on new connections.
		sc.ref.SetMaxIdleConns(0)
		sc.ref.SetMaxIdleConns(2)
		// Another text than before: the drivers' cached statements of q
		// fail once after the ALTER ("cached plan must not change result
		// type"), which is not what this test is about.
		sc.compareColl(t, "after", strings.Replace(q, "SELECT id,", "SELECT id AS i,", 1), col, nil, true)
		sc.compareColl(t, "after", "SELECT DISTINCT "+col+" FROM words", col, []int{0}, false)
	})
}
