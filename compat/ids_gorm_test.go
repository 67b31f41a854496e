package compat_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/grantsql/grant/sharding"
)

// idOrder is a sharded GORM model whose ID Grant generates: GORM leaves
// a zero ID out of its INSERT and reads it back (RETURNING, or on MySQL
// LastInsertId, the first of a batch whose ids follow it).
type idOrder struct {
	ID         int64
	CustomerID int64  `gorm:"index;not null"`
	Note       string `gorm:"size:40;not null"`
}

func (idOrder) TableName() string { return "compat_id_orders" }

// idItem is the same with ids of a sequence.
type idItem struct {
	ID         int64
	CustomerID int64  `gorm:"index;not null"`
	Note       string `gorm:"size:40;not null"`
}

func (idItem) TableName() string { return "compat_id_items" }

// TestIDsGORM creates rows through GORM on a sharded Grant cluster whose
// tables have generated ids: Create and CreateInBatches fill every
// struct's ID with the id of its row, ids are unique over the shards, and
// the rows equal those GORM writes to one database.
func TestIDsGORM(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tg target) {
		const n = 3
		sh := moduloSharding(n, map[string]string{"compat_id_orders": "customer_id", "compat_id_items": "customer_id"})
		node := 11
		withID := func(table string, id *sharding.IDConfig) {
			tc := sh.Tables[table]
			tc.ID = id
			sh.Tables[table] = tc
		}
		withID("compat_id_orders", &sharding.IDConfig{Column: "id", Generator: sharding.GeneratorSnowflake, Node: &node})
		withID("compat_id_items", &sharding.IDConfig{Column: "id", Generator: sharding.GeneratorSequence, Cache: 10})
		ss := openShardSet(t, tg, "i", n, sh)
		gdb, err := gorm.Open(gormDialector(tg.dialect, ss.grant), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
		require.NoError(t, err)
		ref, err := gorm.Open(gormDialector(tg.dialect, ss.ref), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
		require.NoError(t, err)
		for _, g := range []*gorm.DB{gdb, ref} {
			require.NoError(t, g.AutoMigrate(&idOrder{}, &idItem{}))
		}
		t.Run("orders", func(t *testing.T) { testIDsGORM[idOrder](t, gdb, ref, ss) })
		t.Run("items", func(t *testing.T) { testIDsGORM[idItem](t, gdb, ref, ss) })
	})
}

// idRow is a GORM model with generated ids.
type idRow interface {
	idOrder | idItem
	TableName() string
}

func testIDsGORM[M idRow](t *testing.T, gdb, ref *gorm.DB, ss *shardSet) {
	ctx := context.Background()
	var m M
	table := m.TableName()
	mk := func(customer int64, note string) *M {
		var v M
		switch p := any(&v).(type) {
		case *idOrder:
			p.CustomerID, p.Note = customer, note
		case *idItem:
			p.CustomerID, p.Note = customer, note
		}
		return &v
	}
	idOf := func(v *M) int64 {
		switch p := any(v).(type) {
		case *idOrder:
			return p.ID
		case *idItem:
			return p.ID
		}
		return 0
	}
	noteOf := func(v *M) string {
		switch p := any(v).(type) {
		case *idOrder:
			return p.Note
		case *idItem:
			return p.Note
		}
		return ""
	}
	dbID := func(note string) int64 {
		var id int64
		require.NoError(t, ss.grant.QueryRowContext(ctx, rebind(gdb, "SELECT id FROM "+table+" WHERE note = ?"), note).Scan(&id))
		return id
	}

	one := mk(4, "single")
	require.NoError(t, gdb.Create(one).Error)
	require.NoError(t, ref.Create(mk(4, "single")).Error)
	assert.Positive(t, idOf(one))
	assert.Equal(t, dbID("single"), idOf(one), "Create fills the ID")

	var batch, refBatch []M
	for i := range 25 {
		batch = append(batch, *mk(int64(i), fmt.Sprintf("b%02d", i)))
		refBatch = append(refBatch, *mk(int64(i), fmt.Sprintf("b%02d", i)))
	}
	require.NoError(t, gdb.CreateInBatches(&batch, 10).Error)
	require.NoError(t, ref.CreateInBatches(&refBatch, 10).Error)
	seen := map[int64]bool{}
	for i := range batch {
		id := idOf(&batch[i])
		assert.Equal(t, dbID(noteOf(&batch[i])), id, "CreateInBatches fills row %d's ID", i)
		assert.False(t, seen[id], "id %d twice", id)
		seen[id] = true
	}

	var got, want []M
	require.NoError(t, gdb.Order("note").Find(&got).Error)
	require.NoError(t, ref.Order("note").Find(&want).Error)
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, noteOf(&want[i]), noteOf(&got[i]))
	}
	var all []int64
	for _, s := range ss.shards {
		rows, err := s.QueryContext(ctx, "SELECT id FROM "+table)
		require.NoError(t, err)
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			all = append(all, id)
		}
		require.NoError(t, rows.Close())
	}
	distinct := map[int64]bool{}
	for _, id := range all {
		distinct[id] = true
	}
	assert.Len(t, distinct, len(all), "no id twice over the shards")
	assert.Len(t, all, 26)
}

// rebind writes ? as $n for GORM's PostgreSQL dialector.
func rebind(g *gorm.DB, q string) string {
	if g.Dialector.Name() != "postgres" {
		return q
	}
	out, n := "", 0
	for _, c := range q {
		if c == '?' {
			n++
			out += fmt.Sprintf("$%d", n)
			continue
		}
		out += string(c)
	}
	return out
}
