package compat_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/compat/ent"
	"github.com/grantsql/grant/compat/ent/migrate"
	"github.com/grantsql/grant/compat/ent/user"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// entUser is a user without its id: ids come from each database's own
// auto-increment, so they differ between the shards and the reference.
type entUser struct {
	Name string
	Age  int
}

// entUsers strips the ids.
func entUsers(us []*ent.User) []entUser {
	out := make([]entUser, len(us))
	for i, u := range us {
		out[i] = entUser{u.Name, u.Age}
	}
	return out
}

// TestShardEnt compares ent on a sharded Grant cluster of 2 and 4
// databases with ent on one database, per dialect.
func TestShardEnt(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) { testShardEnt(t, tg, n) })
		}
	})
}

// testShardEnt shards ent's users table by age (the one column every
// insert sets; pets stay in the default database) and runs the same ent
// calls through Grant and on the reference database.
func testShardEnt(t *testing.T, tg target, n int) {
	ctx := context.Background()
	sh := moduloSharding(n, map[string]string{"compat_ent_users": "age"})
	// ent creates MySQL text columns as utf8mb4_bin: the merge must order
	// them by bytes (the dialect default, case-insensitive, would fail).
	sh.Collations = map[string]string{"compat_ent_users.name": "binary"}
	ss := openShardSet(t, tg, "e", n, sh)
	gc := ent.NewClient(ent.Driver(entsql.OpenDB(entDialect[tg.dialect], ss.grant)))
	rc := ent.NewClient(ent.Driver(entsql.OpenDB(entDialect[tg.dialect], ss.ref)))
	// ent migrates in one transaction, and the DDL of a sharded table runs
	// on every shard. On PostgreSQL the transaction commits in two phases;
	// on MySQL, where DDL commits implicitly, Grant does that commit per
	// database, as MySQL would. SQLite cannot prepare: a transaction writing
	// to several databases is refused there, so the shards are migrated one
	// by one, each pinned with grant.UseShard. No foreign key from pets to
	// users: it would make the pets DDL name the sharded table.
	err := gc.Schema.Create(ctx, migrate.WithForeignKeys(false))
	if tg.dialect == dialect.SQLite {
		assert.ErrorIs(t, err, grant.ErrCrossShardWrite, "ent's migration transaction through Grant")
		for i := range ss.shards {
			require.NoError(t, gc.Schema.Create(grant.UseShard(ctx, fmt.Sprintf("s%d", i)), migrate.WithForeignKeys(false)))
		}
	} else {
		require.NoError(t, err, "ent's migration transaction through Grant")
	}
	require.NoError(t, rc.Schema.Create(ctx, migrate.WithForeignKeys(false)))
	for i, s := range ss.shards {
		var c int
		require.NoError(t, s.QueryRowContext(ctx, "SELECT COUNT(*) FROM compat_ent_users").Scan(&c), "shard %d has the table", i)
	}

	prefixes := []string{"ann", "Bob", "cy", "Dee", "eve"}
	for i := range 60 {
		for _, c := range []*ent.Client{rc, gc} {
			_, err := c.User.Create().SetName(fmt.Sprintf("%s%02d", prefixes[i%5], i)).SetAge(i*7%37 + 1).Save(ctx)
			require.NoError(t, err)
		}
	}
	// A bulk insert whose rows all live on one shard (ages divisible by n).
	for _, c := range []*ent.Client{rc, gc} {
		var bulk []*ent.UserCreate
		for i := range 6 {
			bulk = append(bulk, c.User.Create().SetName(fmt.Sprintf("bulk%d", i)).SetAge(n*(i+1)))
		}
		us, err := c.User.CreateBulk(bulk...).Save(ctx)
		require.NoError(t, err)
		for _, u := range us {
			assert.NotZero(t, u.ID)
		}
	}
	for i, s := range ss.shards {
		var bad, all int
		require.NoError(t, s.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*), SUM(CASE WHEN age %% %d <> %d THEN 1 ELSE 0 END) FROM compat_ent_users", n, i)).Scan(&all, &bad))
		assert.NotZero(t, all, "shard %d has users", i)
		assert.Zero(t, bad, "shard %d holds only its ages", i)
	}

	reads := func(t *testing.T) {
		for name, q := range map[string]func(c *ent.Client) ([]*ent.User, error){
			"page": func(c *ent.Client) ([]*ent.User, error) {
				return c.User.Query().Where(user.AgeGT(20)).Order(ent.Asc(user.FieldAge), ent.Asc(user.FieldName)).Limit(8).Offset(3).All(ctx)
			},
			"in": func(c *ent.Client) ([]*ent.User, error) {
				return c.User.Query().Where(user.AgeIn(3, 4, 5, 10, 29)).Order(ent.Desc(user.FieldName)).All(ctx)
			},
			"point": func(c *ent.Client) ([]*ent.User, error) {
				return c.User.Query().Where(user.Age(8)).Order(ent.Asc(user.FieldName)).All(ctx)
			},
			"text_order": func(c *ent.Client) ([]*ent.User, error) {
				return c.User.Query().Order(ent.Asc(user.FieldName)).Limit(15).All(ctx)
			},
		} {
			want, err := q(rc)
			require.NoError(t, err, name)
			got, err := q(gc)
			require.NoError(t, err, name)
			assert.NotEmpty(t, want, name)
			assert.Equal(t, entUsers(want), entUsers(got), name)
		}
		for name, q := range map[string]func(c *ent.Client) (int, error){
			"count":       func(c *ent.Client) (int, error) { return c.User.Query().Count(ctx) },
			"count_where": func(c *ent.Client) (int, error) { return c.User.Query().Where(user.NameHasPrefix("Bob")).Count(ctx) },
			"sum":         func(c *ent.Client) (int, error) { return c.User.Query().Aggregate(ent.Sum(user.FieldAge)).Int(ctx) },
			"max_in": func(c *ent.Client) (int, error) {
				return c.User.Query().Where(user.AgeIn(7, 8, 9)).Aggregate(ent.Max(user.FieldAge)).Int(ctx)
			},
		} {
			want, err := q(rc)
			require.NoError(t, err, name)
			got, err := q(gc)
			require.NoError(t, err, name)
			assert.Equal(t, want, got, name)
		}
		type agg struct{ Sum, Min, Max, Count int }
		var wantA, gotA []agg
		require.NoError(t, rc.User.Query().Aggregate(ent.Sum(user.FieldAge), ent.Min(user.FieldAge), ent.Max(user.FieldAge), ent.Count()).Scan(ctx, &wantA))
		require.NoError(t, gc.User.Query().Aggregate(ent.Sum(user.FieldAge), ent.Min(user.FieldAge), ent.Max(user.FieldAge), ent.Count()).Scan(ctx, &gotA))
		assert.Equal(t, wantA, gotA, "aggregates")
		wantM, err := rc.User.Query().Aggregate(ent.Mean(user.FieldAge)).Float64(ctx)
		require.NoError(t, err)
		gotM, err := gc.User.Query().Aggregate(ent.Mean(user.FieldAge)).Float64(ctx)
		require.NoError(t, err)
		assert.InDelta(t, wantM, gotM, 1e-9, "mean")
		type byAge struct{ Age, Count int }
		var wantG, gotG []byAge
		require.NoError(t, rc.User.Query().GroupBy(user.FieldAge).Aggregate(ent.Count()).Scan(ctx, &wantG))
		require.NoError(t, gc.User.Query().GroupBy(user.FieldAge).Aggregate(ent.Count()).Scan(ctx, &gotG))
		cmpAge := func(a, b byAge) int { return a.Age - b.Age }
		slices.SortFunc(wantG, cmpAge)
		slices.SortFunc(gotG, cmpAge)
		assert.Equal(t, wantG, gotG, "group by the key")
		wantS, err := rc.User.Query().Where(user.AgeLT(15)).Order(ent.Desc(user.FieldName)).Select(user.FieldName).Strings(ctx)
		require.NoError(t, err)
		gotS, err := gc.User.Query().Where(user.AgeLT(15)).Order(ent.Desc(user.FieldName)).Select(user.FieldName).Strings(ctx)
		require.NoError(t, err)
		assert.Equal(t, wantS, gotS, "names")
		u, err := gc.User.Query().Where(user.Name("cy02")).Only(ctx)
		require.NoError(t, err)
		assert.Equal(t, entUser{"cy02", 15}, entUser{u.Name, u.Age})
	}
	t.Run("Reads", reads)

	t.Run("Writes", func(t *testing.T) {
		for _, w := range []struct {
			name string
			run  func(c *ent.Client) (int, error)
		}{
			{"rename", func(c *ent.Client) (int, error) {
				return c.User.Update().Where(user.Name("ann05")).SetName("ANN05").Save(ctx)
			}},
			{"by_key", func(c *ent.Client) (int, error) {
				return c.User.Update().Where(user.Age(8), user.NameHasPrefix("bulk")).SetName("renamed").Save(ctx)
			}},
			{"delete", func(c *ent.Client) (int, error) { return c.User.Delete().Where(user.AgeLT(6)).Exec(ctx) }},
			{"delete_in", func(c *ent.Client) (int, error) { return c.User.Delete().Where(user.AgeIn(30, 31, 32)).Exec(ctx) }},
		} {
			want, err := w.run(rc)
			require.NoError(t, err, w.name)
			got, err := w.run(gc)
			require.NoError(t, err, w.name)
			assert.Equal(t, want, got, "%s: rows affected", w.name)
		}
		// AddAge moves the row to another shard: refused, naming the table.
		_, err := gc.User.Update().Where(user.Name("Dee03")).AddAge(1).Save(ctx)
		if assert.ErrorIs(t, err, sharding.ErrRefused) {
			assert.True(t, strings.Contains(err.Error(), "compat_ent_users"), err.Error())
		}
	})
	t.Run("ReadsAfterWrites", reads)
}
