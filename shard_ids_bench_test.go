package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// BenchmarkShardInsertIDs is a one-row INSERT through Grant into a table
// of two SQLite shards (synchronous=OFF, so that the disk does not hide
// the difference), side by side: the id given by the application, and
// filled in by Grant from a snowflake or a sequence (blocks of 10000).
func BenchmarkShardInsertIDs(b *testing.B) {
	for _, gen := range []string{"given", sharding.GeneratorSnowflake, sharding.GeneratorSequence} {
		b.Run(gen, func(b *testing.B) {
			dir := b.TempDir()
			dsn := func(name string) string {
				return "file:" + filepath.Join(dir, name+".db") + "?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)"
			}
			var id *sharding.IDConfig
			if gen != "given" {
				node := 1
				id = &sharding.IDConfig{Column: "id", Generator: gen}
				if gen == sharding.GeneratorSnowflake {
					id.Node = &node
				}
			}
			c, err := grant.NewConnector(&grant.Config{Dialect: dialect.SQLite,
				Databases:       map[string]*config.Database{"s0": {Primary: dsn("s0")}, "s1": {Primary: dsn("s1")}},
				DefaultDatabase: "s0", Health: config.Health{Disabled: true},
				Sharding: &sharding.Config{
					Resolvers: map[string]sharding.Spec{"m": {Type: "modulo", Databases: []string{"s0", "s1"}}},
					Tables:    map[string]sharding.TableConfig{"t": {Key: "k", Resolver: "m", ID: id}},
				}})
			if err != nil {
				b.Fatal(err)
			}
			db := sql.OpenDB(c)
			defer db.Close()
			db.SetMaxOpenConns(1)
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, "CREATE TABLE t (id BIGINT PRIMARY KEY, k INTEGER, v TEXT)"); err != nil {
				b.Fatal(err)
			}
			q := "INSERT INTO t (k, v) VALUES (?, ?)"
			if gen == "given" {
				q = "INSERT INTO t (k, v, id) VALUES (?, ?, ?)"
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				args := []any{2, "x"}
				if gen == "given" {
					args = append(args, i)
				}
				i++
				if _, err := db.ExecContext(ctx, q, args...); err != nil {
					b.Fatal(fmt.Errorf("%s: %w", q, err))
				}
			}
		})
	}
}
