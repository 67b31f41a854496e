package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
)

// benchRowsPerShard is the size of each shard of the collation benchmarks.
const benchRowsPerShard = 50_000

// BenchmarkShardCollationOrder reads a fan-out ORDER BY of 50,000 rows per
// shard over two shards, to the last row, per collation of the column:
//
//   - PostgreSQL: "C" (merged byte-wise: the baseline) beside ICU
//     "und-x-icu" (in the local order the probe validated), with names of
//     ASCII letters, digits and spaces, with the same names where one in
//     twenty has an accent, and with the names in lower case (which ICU
//     orders as bytes: the merge before the text work ran that query too);
//     and, where the server has it, libc "en_US.utf8" (glibc ignores the
//     space up to a fourth level, and after a digit orders accents and
//     case its own way) with the names as drawn and with their digits
//     left out;
//   - MariaDB: utf8mb4_nopad_bin (merged byte-wise: the baseline) beside
//     utf8mb4_general_ci and utf8mb4_unicode_ci (merged on the hidden
//     WEIGHT_STRING column).
func BenchmarkShardCollationOrder(b *testing.B) {
	type column struct{ name, ddl string }
	cases := map[dialect.Dialect][]column{
		dialect.Postgres: {{"c_ascii", `TEXT COLLATE "C"`}, {"icu_ascii", `TEXT COLLATE "und-x-icu"`},
			{"c_accents", `TEXT COLLATE "C"`}, {"icu_accents", `TEXT COLLATE "und-x-icu"`},
			{"c_lower", `TEXT COLLATE "C"`}, {"icu_lower", `TEXT COLLATE "und-x-icu"`}},
		dialect.MySQL: {{"nopad_bin", "VARCHAR(40) COLLATE utf8mb4_nopad_bin"}, {"general_ci", "VARCHAR(40) COLLATE utf8mb4_general_ci"},
			{"unicode_ci", "VARCHAR(40) COLLATE utf8mb4_unicode_ci"}},
	}
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL} {
		b.Run(d.String(), func(b *testing.B) {
			admin := testenv.PostgresDSN(b)
			if d == dialect.MySQL {
				admin = testenv.MySQLDSN(b)
			}
			cols := cases[d]
			if en := benchLibcCollation(b, d, admin); en != "" {
				cols = append(cols, column{"libc_ascii", "TEXT COLLATE " + en}, column{"libc_words", "TEXT COLLATE " + en})
			}
			var ddl []string
			for _, c := range cols {
				ddl = append(ddl, c.name+" "+c.ddl)
			}
			var colNames []string
			for _, c := range cols {
				colNames = append(colNames, c.name)
			}
			db, raw := collBenchShards(b, d, admin, "CREATE TABLE words (id BIGINT PRIMARY KEY, k BIGINT NOT NULL, "+strings.Join(ddl, ", ")+")", colNames)
			for _, c := range cols {
				q := "SELECT id, " + c.name + " FROM words ORDER BY " + c.name + ", id"
				b.Run(c.name, func(b *testing.B) {
					// Once per connector and collation, untimed: the
					// catalog read and the probe of the local text order.
					require.Equal(b, 2*benchRowsPerShard, countRows(b, db, q))
					b.ReportAllocs()
					for b.Loop() {
						require.Equal(b, 2*benchRowsPerShard, countRows(b, db, q))
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*benchRowsPerShard), "ns/row")
				})
				// The same query on each shard through its driver, the
				// shards read in parallel and not merged: what the servers
				// and drivers cost.
				b.Run("raw/"+c.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						counts := make(chan int, len(raw))
						for _, r := range raw {
							go func() { counts <- countRows(b, r, q) }()
						}
						n := 0
						for range raw {
							n += <-counts
						}
						require.Equal(b, 2*benchRowsPerShard, n)
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*benchRowsPerShard), "ns/row")
				})
			}
		})
	}
}

// collBenchShards creates two shard databases holding words (created by ddl)
// with benchRowsPerShard rows each, loaded directly and analyzed, and
// returns Grant over them. Columns ending in _accents hold the names with
// an accent in one in twenty, those ending in _lower the names in lower
// case, those ending in _words the names without their digits; the
// others the names as drawn.
func collBenchShards(b *testing.B, d dialect.Dialect, admin, ddl string, textCols []string) (*sql.DB, []*sql.DB) {
	ctx := context.Background()
	names := []string{"s0", "s1"}
	dbs := map[string]*config.Database{}
	rng := rand.New(rand.NewPCG(9, 9))
	var raws []*sql.DB
	for i, name := range names {
		dsn := testenv.Database(b, d, admin, "grant_test_bc_"+name)
		dbs[name] = &config.Database{Primary: dsn}
		raw, err := sql.Open(d.DriverName(), dsn)
		require.NoError(b, err)
		b.Cleanup(func() { raw.Close() })
		raws = append(raws, raw)
		_, err = raw.ExecContext(ctx, ddl)
		require.NoError(b, err)
		for start := 0; start < benchRowsPerShard; start += 1000 {
			var sb strings.Builder
			sb.WriteString("INSERT INTO words VALUES ")
			for j := range 1000 {
				id := 2*(start+j) + i
				if j > 0 {
					sb.WriteString(", ")
				}
				plain := collBenchName(rng)
				accented := plain
				if rng.IntN(20) == 0 {
					accented = strings.Replace(plain, "e", "é", 1)
				}
				fmt.Fprintf(&sb, "(%d, %d", id, id)
				for _, c := range textCols {
					v := plain
					switch {
					case strings.HasSuffix(c, "_accents"):
						v = accented
					case strings.HasSuffix(c, "_lower"):
						v = strings.ToLower(plain)
					case strings.HasSuffix(c, "_words"):
						v = strings.Map(func(r rune) rune {
							if r >= '0' && r <= '9' {
								return -1
							}
							return r
						}, plain)
					}
					fmt.Fprintf(&sb, ", '%s'", v)
				}
				sb.WriteString(")")
			}
			_, err := raw.ExecContext(ctx, sb.String())
			require.NoError(b, err)
		}
		// Statistics now, not from autovacuum while the benchmark runs.
		analyze := "VACUUM ANALYZE words"
		if d == dialect.MySQL {
			analyze = "ANALYZE TABLE words"
		}
		_, err = raw.ExecContext(ctx, analyze)
		require.NoError(b, err)
	}
	cfg := &grant.Config{Dialect: d, Databases: dbs, DefaultDatabase: "s0", Health: config.Health{Disabled: true},
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_k": {Type: "modulo", Databases: names}},
			Tables:    map[string]sharding.TableConfig{"words": {Key: "k", Resolver: "by_k"}},
		}}
	c, err := grant.NewConnector(cfg)
	require.NoError(b, err)
	db := sql.OpenDB(c)
	b.Cleanup(func() { db.Close() })
	return db, raws
}

// benchLibcCollation returns the quoted name of PostgreSQL's libc
// en_US.UTF-8 collation, or "" when the server has none (or d is not
// PostgreSQL).
func benchLibcCollation(b *testing.B, d dialect.Dialect, admin string) string {
	if d != dialect.Postgres {
		return ""
	}
	db, err := sql.Open(d.DriverName(), admin)
	require.NoError(b, err)
	defer db.Close()
	var name string
	err = db.QueryRowContext(context.Background(),
		"SELECT collname FROM pg_collation WHERE collprovider = 'c' AND lower(collname) IN ('en_us.utf8', 'en_us.utf-8') LIMIT 1").Scan(&name)
	if err != nil {
		b.Logf("no libc en_US.UTF-8 collation: %v", err)
		return ""
	}
	return `"` + name + `"`
}

// countRows runs q and counts its rows.
func countRows(b *testing.B, db *sql.DB, q string) int {
	n := 0
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		b.Error(err)
		return 0
	}
	defer rows.Close()
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		b.Error(err)
	}
	return n
}

// collBenchName draws a name: one or two capitalized words of letters, some
// with a digit.
func collBenchName(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	word := func() string {
		w := make([]byte, 3+rng.IntN(7))
		for i := range w {
			w[i] = letters[rng.IntN(len(letters))]
		}
		if rng.IntN(3) > 0 {
			w[0] -= 'a' - 'A'
		}
		if rng.IntN(10) == 0 {
			w = append(w, byte('0'+rng.IntN(10)))
		}
		return string(w)
	}
	if rng.IntN(2) == 0 {
		return word() + " " + word()
	}
	return word()
}
