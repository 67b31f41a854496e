package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/registry"
)

// knowKeys reads from the catalog the unique keys the planning of st needs
// and the planner does not know (planner.KeysWanted), and gives them to
// the planner. Keys read while DDL of a sharded table ran are not kept:
// it reads them again.
func (s *Session) knowKeys(ctx context.Context, st *analyze.Statement) error {
	p := s.e.planner
	for range 3 {
		r := p.KeysWanted(st)
		if r == nil {
			return nil
		}
		keys, err := s.readKeys(ctx, r)
		if err != nil {
			return fmt.Errorf("grant: reading the unique keys of %s from the catalog of %s: %w", r.Table, r.Database, err)
		}
		if p.SetUniqueKeys(r, keys) {
			return nil
		}
	}
	return nil // the planner refuses, saying the keys are not known
}

// readKeys reads the unique keys of r's table on the primary of r's
// database: on the connection of the session's transaction there, which
// sees the transaction's own DDL, else on one of the pool.
func (s *Session) readKeys(ctx context.Context, r *planner.KeysRequest) ([]planner.UniqueKey, error) {
	db, err := s.e.database(r.Database)
	if err != nil {
		return nil, err
	}
	if t := s.tx; t != nil {
		if p := t.part(db); p != nil {
			return catalogKeys(ctx, s.e.d, p.pc, r)
		}
	}
	var pc registry.Conn
	if err := s.take(ctx, db.Primary, &pc); err != nil {
		return nil, err
	}
	keys, err := catalogKeys(ctx, s.e.d, &pc, r)
	s.keep(&pc, err)
	return keys, db.Primary.Wrap(err)
}

// The catalog queries list a table's unique keys as rows of key name,
// position and column name ("" for an expression; position 0 marks a
// PostgreSQL exclusion constraint), ordered by key and position.
const (
	pgUniqueKeys = `SELECT c.relname, k.n, COALESCE(a.attname, '')
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
WHERE i.indrelid = to_regclass($1) AND i.indisunique AND k.n <= i.indnkeyatts
UNION ALL
SELECT conname, 0, '' FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'x'
ORDER BY 1, 2`
	mysqlUniqueKeys = `SELECT INDEX_NAME, SEQ_IN_INDEX, COALESCE(COLUMN_NAME, '') FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND NON_UNIQUE = 0
ORDER BY INDEX_NAME, SEQ_IN_INDEX`
	// SQLite lists the primary key of a rowid table whose key is its
	// INTEGER PRIMARY KEY column (the rowid) in no index: it is read from
	// table_info when no index has origin 'pk'.
	sqliteUniqueKeys = `SELECT il.name, ii.seqno + 1, COALESCE(ii.name, '')
FROM pragma_index_list(?1) AS il, pragma_index_info(il.name) AS ii WHERE il."unique" = 1
UNION ALL
SELECT 'PRIMARY KEY', ti.pk, ti.name FROM pragma_table_info(?1) AS ti
WHERE ti.pk > 0 AND NOT EXISTS (SELECT 1 FROM pragma_index_list(?1) WHERE origin = 'pk')
ORDER BY 1, 2`
)

// catalogKeys reads the unique keys of r's table on pc.
func catalogKeys(ctx context.Context, d dialect.Dialect, pc *registry.Conn, r *planner.KeysRequest) ([]planner.UniqueKey, error) {
	ctx = registry.WithPurpose(ctx, registry.PurposeCatalog)
	var q string
	var args []driver.NamedValue
	switch d {
	case dialect.Postgres:
		name := pgIdent(r.Name)
		if r.Schema != "" {
			name = pgIdent(r.Schema) + "." + name
		}
		q, args = pgUniqueKeys, []driver.NamedValue{{Ordinal: 1, Value: name}}
	case dialect.MySQL:
		var schema any
		if r.Schema != "" {
			schema = r.Schema
		}
		q, args = mysqlUniqueKeys, []driver.NamedValue{{Ordinal: 1, Value: schema}, {Ordinal: 2, Value: r.Name}}
	default:
		q, args = sqliteUniqueKeys, []driver.NamedValue{{Ordinal: 1, Value: r.Name}}
	}
	rows, st, err := pc.Query(ctx, q, args, false)
	if err != nil {
		return nil, err
	}
	defer func() {
		rows.Close()
		if st != nil {
			st.Close()
		}
	}()
	var keys []planner.UniqueKey
	row := make([]driver.Value, 3)
	for {
		if err := rows.Next(row); err != nil {
			if errors.Is(err, io.EOF) {
				return keys, nil
			}
			return nil, err
		}
		name, pos, col := catalogText(row[0]), catalogText(row[1]), catalogText(row[2])
		if n := len(keys); n == 0 || keys[n-1].Name != name {
			keys = append(keys, planner.UniqueKey{Name: name, Columns: []string{}})
		}
		k := &keys[len(keys)-1]
		if pos == "0" {
			k.Exclusion = true
			continue
		}
		k.Columns = append(k.Columns, col)
	}
}

// catalogText returns a catalog value as text.
func catalogText(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// pgIdent quotes a PostgreSQL identifier.
func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
