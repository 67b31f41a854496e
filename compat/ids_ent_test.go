package compat_test

import (
	"context"
	"fmt"
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

// TestIDsEnt creates users through ent on a sharded Grant cluster whose
// users table (sharded by age) has ids of a sequence or a snowflake: Save
// and CreateBulk set every user's ID to its row's id, and the ids are
// unique over the shards. It does not run in parallel: ent's migration
// writes to the package-level table descriptions that the other ent
// tests' migrations read.
func TestIDsEnt(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, gen := range []string{sharding.GeneratorSequence, sharding.GeneratorSnowflake} {
			t.Run(gen, func(t *testing.T) { testIDsEnt(t, tg, gen) })
		}
	})
}

func testIDsEnt(t *testing.T, tg target, gen string) {
	ctx := context.Background()
	const n = 2
	sh := moduloSharding(n, map[string]string{"compat_ent_users": "age"})
	tc := sh.Tables["compat_ent_users"]
	tc.ID = &sharding.IDConfig{Column: "id", Generator: gen}
	sh.Tables["compat_ent_users"] = tc
	ss := openShardSet(t, tg, "j"+gen[:2], n, sh)
	gc := ent.NewClient(ent.Driver(entsql.OpenDB(entDialect[tg.dialect], ss.grant)))
	for i := range ss.shards {
		require.NoError(t, gc.Schema.Create(grant.UseShard(ctx, fmt.Sprintf("s%d", i)), migrate.WithForeignKeys(false)))
	}
	idOf := func(name string) int {
		u, err := gc.User.Query().Where(user.Name(name)).Only(ctx)
		require.NoError(t, err, name)
		return u.ID
	}

	u, err := gc.User.Create().SetName("solo").SetAge(7).Save(ctx)
	require.NoError(t, err)
	assert.Equal(t, idOf("solo"), u.ID, "Save sets the ID")

	// ent runs a bulk insert in a transaction: rows on one shard on
	// SQLite (no two-phase commit), on both elsewhere.
	step := 1
	if tg.dialect == dialect.SQLite {
		step = n
	}
	var bulk []*ent.UserCreate
	for i := range 8 {
		bulk = append(bulk, gc.User.Create().SetName(fmt.Sprintf("bulk%d", i)).SetAge(step*(i+1)))
	}
	us, err := gc.User.CreateBulk(bulk...).Save(ctx)
	require.NoError(t, err)
	seen := map[int]bool{u.ID: true}
	for i, u := range us {
		assert.Equal(t, idOf(fmt.Sprintf("bulk%d", i)), u.ID, "CreateBulk sets user %d's ID", i)
		assert.False(t, seen[u.ID])
		seen[u.ID] = true
	}
	var total int
	for _, s := range ss.shards {
		var c int
		require.NoError(t, s.QueryRowContext(ctx, "SELECT COUNT(*) FROM compat_ent_users").Scan(&c))
		total += c
	}
	assert.Equal(t, 9, total)
}
