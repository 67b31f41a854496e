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
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// The collation differential data: table words, sharded by k like orders,
// holds the same text in columns of several collations per dialect, with
// accents, case variants, ties, trailing spaces, a tab and NULLs.

// textColumn is one text column of words and the collation it is in.
type textColumn struct {
	name, collation string
}

// wordColumns returns the text columns of words on a server: PostgreSQL C,
// C.UTF-8, ICU, the database default (C here) and libc en_US.UTF-8 when
// the server has that locale; MariaDB utf8mb4_general_ci (the default),
// utf8mb4_unicode_ci, utf8mb4_bin, latin1_swedish_ci and an ENUM; SQLite
// BINARY, NOCASE and RTRIM.
func wordColumns(t *testing.T, d dialect.Dialect, ref *sql.DB) []textColumn {
	switch d {
	case dialect.Postgres:
		cols := []textColumn{{"c_txt", `"C"`}, {"cu_txt", `"C.utf8"`}, {"icu_txt", `"und-x-icu"`}, {"def_txt", ""}, {"ch_txt", `"und-x-icu"`}}
		var en string
		err := ref.QueryRowContext(context.Background(),
			"SELECT collname FROM pg_collation WHERE collprovider = 'c' AND lower(collname) IN ('en_us.utf8', 'en_us.utf-8') LIMIT 1").Scan(&en)
		if err == nil {
			cols = append(cols, textColumn{"en_txt", `"` + en + `"`})
		} else {
			t.Logf("no libc en_US.UTF-8 collation on this server: %v", err)
		}
		return cols
	case dialect.MySQL:
		return []textColumn{{"gci", ""}, {"uci", "utf8mb4_unicode_ci"}, {"bin", "utf8mb4_bin"}, {"l1", "latin1_swedish_ci"}, {"size", "enum"}}
	}
	return []textColumn{{"b", ""}, {"nc", "NOCASE"}, {"rt", "RTRIM"}}
}

// wordsDDL is the CREATE TABLE of words.
func wordsDDL(d dialect.Dialect, cols []textColumn) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE words (id BIGINT PRIMARY KEY, k BIGINT NOT NULL, n INT")
	for _, c := range cols {
		b.WriteString(", " + c.name + " ")
		switch {
		case d == dialect.Postgres && c.name == "ch_txt":
			b.WriteString("CHAR(12) COLLATE " + c.collation)
		case d == dialect.Postgres && c.collation != "":
			b.WriteString("TEXT COLLATE " + c.collation)
		case d == dialect.Postgres:
			b.WriteString("TEXT")
		case d == dialect.MySQL && c.collation == "enum":
			b.WriteString("ENUM('small', 'Medium', 'large', 'éclair')")
		case d == dialect.MySQL && c.name == "l1":
			b.WriteString("VARCHAR(40) CHARACTER SET latin1 COLLATE latin1_swedish_ci")
		case d == dialect.MySQL && c.collation != "":
			b.WriteString("VARCHAR(40) CHARACTER SET utf8mb4 COLLATE " + c.collation)
		case d == dialect.MySQL:
			b.WriteString("VARCHAR(40)")
		case c.collation != "":
			b.WriteString("TEXT COLLATE " + c.collation)
		default:
			b.WriteString("TEXT")
		}
	}
	return b.String() + ")"
}

// collationWords are the texts of the data: equal under some collations
// and not others.
var collationWords = []string{
	"eclair", "Eclair", "éclair", "Éclair", "ECLAIR", "eclairs", "n", "N", "ñ", "Ñ", "nino", "niño", "Niño",
	"apple", "Apple", "APPLE", "apple ", "apple  ", "apple\t", "Å", "A", "a", "Z", "zebra", "Zoë", "zoe",
	"ß", "ss", "straße", "strasse", "résumé", "resume", "Resume", "café", "cafe", "a b", "ab", "a-b", "a_b",
	"0", "10", "9", "",
	// Punctuation and spaces, ignorable up to a fourth level in glibc
	// locales, and after a digit not quite.
	"O'Brien", "OBrien", "o brien", "smith-jones", "Smith Jones", "a.b", "A.B", "1 a", "1a", "1 A", "10-4", "x 10",
}

// wordsRows returns the rows of words: id, k, n, then one text per
// column (the same text in every column but the ENUM), deterministic.
func wordsRows(cols []textColumn) [][]any {
	rng := rand.New(rand.NewPCG(3, 5))
	sizes := []any{"small", "Medium", "large", "éclair", nil}
	var rows [][]any
	for id := 1; id <= 240; id++ {
		var w any = collationWords[rng.IntN(len(collationWords))]
		if rng.IntN(12) == 0 {
			w = nil
		}
		r := []any{int64(id), int64(rng.IntN(30)), int64(rng.IntN(5))}
		for _, c := range cols {
			if c.collation == "enum" {
				r = append(r, sizes[rng.IntN(len(sizes))])
				continue
			}
			r = append(r, w)
		}
		rows = append(rows, r)
	}
	return rows
}

// withWords shards words by k over the shards, as orders.
func withWords(cfg *grant.Config) {
	cfg.Sharding.Tables["words"] = sharding.TableConfig{Key: "k", Resolver: "by_customer"}
}

// loadWords creates words through Grant and on the reference and inserts
// the rows, 20 per statement.
func (sc *shardCluster) loadWords(t *testing.T, cols []textColumn) {
	ctx := context.Background()
	ddl := wordsDDL(sc.d, cols)
	for _, db := range []*sql.DB{sc.db, sc.ref} {
		_, err := db.ExecContext(ctx, ddl)
		require.NoError(t, err, ddl)
	}
	names := []string{"id", "k", "n"}
	for _, c := range cols {
		names = append(names, c.name)
	}
	rows := wordsRows(cols)
	for i := 0; i < len(rows); i += 20 {
		st := insertArgs("words", names, rows[i:min(i+20, len(rows))])
		q := sc.bind(st.sql)
		for _, db := range []*sql.DB{sc.db, sc.ref} {
			_, err := db.ExecContext(ctx, q, st.args...)
			require.NoError(t, err, fmt.Sprintf("%.100s", q))
		}
	}
}
