package compat_test

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// shardSet is a sharded Grant cluster of n databases beside a reference
// database holding every row, both also opened directly (real driver).
type shardSet struct {
	n      int
	grant  *sql.DB
	ref    *sql.DB   // the reference, through the real driver
	shards []*sql.DB // each shard, through the real driver
}

// openShardSet creates the databases grant_test_cs_<kind><n>_<i> and
// grant_test_cs_<kind><n>_single (SQLite: files), dropped when t ends, and
// opens Grant over the shards s0..s(n-1) with sharding section sh.
func openShardSet(t *testing.T, tg target, kind string, n int, sh *sharding.Config) *shardSet {
	t.Helper()
	ss := &shardSet{n: n}
	direct := func(dsn string) *sql.DB {
		db, err := sql.Open(tg.dialect.DriverName(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}
	ss.ref = direct(tg.isolated(t, fmt.Sprintf("grant_test_cs_%s%d_single", kind, n)))
	dbs := map[string]*config.Database{}
	for i := range n {
		dsn := tg.isolated(t, fmt.Sprintf("grant_test_cs_%s%d_%d", kind, n, i))
		dbs[fmt.Sprintf("s%d", i)] = &config.Database{Primary: dsn}
		ss.shards = append(ss.shards, direct(dsn))
	}
	c, err := grant.NewConnector(&grant.Config{Dialect: tg.dialect, Databases: dbs, DefaultDatabase: "s0",
		Health: config.Health{Disabled: true}, Sharding: sh})
	require.NoError(t, err)
	ss.grant = sql.OpenDB(c)
	t.Cleanup(func() { ss.grant.Close() })
	return ss
}

// moduloSharding shards each table by its key column (table: key) modulo
// the databases s0..s(n-1).
func moduloSharding(n int, keys map[string]string) *sharding.Config {
	var dbs []string
	for i := range n {
		dbs = append(dbs, fmt.Sprintf("s%d", i))
	}
	sh := &sharding.Config{Resolvers: map[string]sharding.Spec{"by_key": {Type: "modulo", Databases: dbs}},
		Tables: map[string]sharding.TableConfig{}}
	for table, key := range keys {
		sh.Tables[table] = sharding.TableConfig{Key: key, Resolver: "by_key"}
	}
	return sh
}

// shardOrder is a sharded GORM model: its ID is assigned by the
// application, since auto-increment ids would collide across shards.
type shardOrder struct {
	ID         int64  `gorm:"primaryKey;autoIncrement:false"`
	CustomerID int64  `gorm:"index;not null"`
	Status     string `gorm:"size:20;not null"`
	Total      int64
	Qty        *int64
	Note       *string `gorm:"size:40"`
	CreatedAt  time.Time
}

func (shardOrder) TableName() string { return "compat_shard_orders" }

// shardOrders is the GORM data set: 150 orders of 20 customers with ties,
// negative totals, NULL quantities and notes, mixed-case text.
func shardOrders() []shardOrder {
	notes := []string{"Gift", "rush", "Fragile"}
	var out []shardOrder
	for id := int64(1); id <= 150; id++ {
		o := shardOrder{ID: id, CustomerID: id * 7 % 20, Status: []string{"new", "paid", "Void"}[id%3],
			Total:     (id*37)%90 - 20,
			CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(id*13%50) * time.Hour)}
		if id%5 != 0 {
			q := id % 4
			o.Qty = &q
		}
		if id%4 != 0 {
			o.Note = &notes[id%3]
		}
		out = append(out, o)
	}
	return out
}

// utc returns orders with their times in UTC, so drivers' time zones do not
// matter when comparing.
func utc(orders []shardOrder) []shardOrder {
	for i := range orders {
		orders[i].CreatedAt = orders[i].CreatedAt.UTC()
	}
	return orders
}

// shardGroup is a row of the GORM group-by reads.
type shardGroup struct {
	Status string
	N      int64
	Sum    int64
	MaxQty *int64
}

// TestShardGORM compares GORM on a sharded Grant cluster of 2 and 4
// databases with GORM on one database, per dialect.
func TestShardGORM(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) { testShardGORM(t, tg, n) })
		}
	})
}

// testShardGORM runs the same GORM calls through Grant over n shards and on
// the reference database, comparing every result.
func testShardGORM(t *testing.T, tg target, n int) {
	ss := openShardSet(t, tg, "g", n, moduloSharding(n, map[string]string{"compat_shard_orders": "customer_id"}))
	// GORM wraps each Create in a transaction unless told not to. On
	// PostgreSQL and MySQL a batch spread over shards commits in two
	// phases; SQLite cannot prepare, so there a transaction writes to one
	// shard only and such a batch needs SkipDefaultTransaction.
	open := func(db *sql.DB) *gorm.DB {
		g, err := gorm.Open(gormDialector(tg.dialect, db), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
		require.NoError(t, err)
		return g
	}
	gdb, ref := open(ss.grant), open(ss.ref)
	withTx, err := gorm.Open(gormDialector(tg.dialect, ss.grant), &gorm.Config{Logger: logger.Discard})
	require.NoError(t, err)
	both := func(fn func(db *gorm.DB) *gorm.DB) (got, want *gorm.DB) { return fn(gdb), fn(ref) }

	// AutoMigrate twice: the second run inspects the tables the first made.
	for range 2 {
		require.NoError(t, gdb.AutoMigrate(&shardOrder{}))
	}
	require.NoError(t, ref.AutoMigrate(&shardOrder{}))
	orders := shardOrders()
	err = withTx.CreateInBatches(orders[:10], 10).Error
	rest := orders
	if tg.dialect == dialect.SQLite {
		assert.ErrorIs(t, err, grant.ErrCrossShardWrite, "GORM's default transaction around a batch on several shards")
	} else {
		require.NoError(t, err, "GORM's default transaction around a batch on several shards commits in two phases")
		rest = orders[10:]
	}
	require.NoError(t, ref.CreateInBatches(shardOrders(), 40).Error)
	require.NoError(t, gdb.CreateInBatches(rest, 40).Error)
	for i, s := range ss.shards {
		var keys []int64
		require.NoError(t, open(s).Model(&shardOrder{}).Pluck("customer_id", &keys).Error)
		assert.NotEmpty(t, keys, "shard %d has rows", i)
		for _, k := range keys {
			assert.EqualValues(t, i, k%int64(n), "customer %d on shard %d", k, i)
		}
	}

	reads := func(t *testing.T) {
		finds := map[string]func(db *gorm.DB, out *[]shardOrder) *gorm.DB{
			"page": func(db *gorm.DB, out *[]shardOrder) *gorm.DB {
				return db.Where("total > ?", 0).Order("total desc, id").Limit(10).Offset(5).Find(out)
			},
			"in": func(db *gorm.DB, out *[]shardOrder) *gorm.DB {
				return db.Where("customer_id IN ?", []int{1, 2, 3, 7}).Order("id").Find(out)
			},
			"order_time": func(db *gorm.DB, out *[]shardOrder) *gorm.DB {
				return db.Order("created_at desc").Order("id").Limit(7).Find(out)
			},
			"null_qty": func(db *gorm.DB, out *[]shardOrder) *gorm.DB { return db.Where("qty IS NULL").Order("id").Find(out) },
			"point": func(db *gorm.DB, out *[]shardOrder) *gorm.DB {
				return db.Where("customer_id = ?", 9).Order("id").Find(out)
			},
			"first_key":   func(db *gorm.DB, out *[]shardOrder) *gorm.DB { return db.Where("customer_id = ?", 14).First(out, 2) },
			"first_nokey": func(db *gorm.DB, out *[]shardOrder) *gorm.DB { return db.First(out, 77) },
			"limit_only":  func(db *gorm.DB, out *[]shardOrder) *gorm.DB { return db.Order("note, id").Limit(12).Find(out) },
		}
		for name, find := range finds {
			var got, want []shardOrder
			require.NoError(t, find(ref, &want).Error, name)
			require.NoError(t, find(gdb, &got).Error, name)
			assert.NotEmpty(t, want, name)
			assert.Equal(t, utc(want), utc(got), name)
		}
		var gotN, wantN int64
		require.NoError(t, ref.Model(&shardOrder{}).Where("status = ?", "paid").Count(&wantN).Error)
		require.NoError(t, gdb.Model(&shardOrder{}).Where("status = ?", "paid").Count(&gotN).Error)
		assert.Equal(t, wantN, gotN, "count")
		var gotNotes, wantNotes []sql.NullString
		require.NoError(t, ref.Model(&shardOrder{}).Where("customer_id IN ?", []int{4, 5, 6}).Order("id").Pluck("note", &wantNotes).Error)
		require.NoError(t, gdb.Model(&shardOrder{}).Where("customer_id IN ?", []int{4, 5, 6}).Order("id").Pluck("note", &gotNotes).Error)
		assert.Equal(t, wantNotes, gotNotes, "pluck")
		var gotDistinct, wantDistinct []string
		require.NoError(t, ref.Model(&shardOrder{}).Distinct("status").Order("status").Pluck("status", &wantDistinct).Error)
		require.NoError(t, gdb.Model(&shardOrder{}).Distinct("status").Order("status").Pluck("status", &gotDistinct).Error)
		assert.Equal(t, wantDistinct, gotDistinct, "distinct")
		group := func(db *gorm.DB, out *[]shardGroup) error {
			return db.Model(&shardOrder{}).Select("status, count(*) AS n, sum(total) AS sum, max(qty) AS max_qty").
				Group("status").Order("status").Scan(out).Error
		}
		var gotG, wantG []shardGroup
		require.NoError(t, group(ref, &wantG))
		require.NoError(t, group(gdb, &gotG))
		assert.NotEmpty(t, wantG)
		assert.Equal(t, wantG, gotG, "group by")
		having := func(db *gorm.DB, out *[]shardGroup) error {
			return db.Model(&shardOrder{}).Select("customer_id AS n, sum(total) AS sum").
				Group("customer_id").Having("count(*) > ?", 7).Order("customer_id").Scan(out).Error
		}
		gotG, wantG = nil, nil
		require.NoError(t, having(ref, &wantG))
		require.NoError(t, having(gdb, &gotG))
		assert.NotEmpty(t, wantG)
		assert.Equal(t, wantG, gotG, "group by the key with having")
	}
	t.Run("Reads", reads)

	t.Run("Writes", func(t *testing.T) {
		for _, w := range []struct {
			name string
			run  func(db *gorm.DB) *gorm.DB
		}{
			{"by_key", func(db *gorm.DB) *gorm.DB {
				return db.Model(&shardOrder{}).Where("customer_id = ? AND id = ?", 7, 1).Updates(map[string]any{"note": "changed", "qty": 99})
			}},
			{"no_key", func(db *gorm.DB) *gorm.DB {
				return db.Model(&shardOrder{}).Where("total < ?", 0).Update("status", "refund")
			}},
			{"by_id", func(db *gorm.DB) *gorm.DB { return db.Model(&shardOrder{ID: 30}).Update("qty", 5) }},
			{"del_key", func(db *gorm.DB) *gorm.DB { return db.Where("customer_id = ?", 3).Delete(&shardOrder{}) }},
			{"del_id", func(db *gorm.DB) *gorm.DB { return db.Delete(&shardOrder{}, 44) }},
			{"del_none", func(db *gorm.DB) *gorm.DB {
				return db.Where("customer_id IN ?", []int{5, 6}).Where("total > ?", 1000).Delete(&shardOrder{})
			}},
		} {
			name := w.name
			g, w := both(w.run)
			require.NoError(t, w.Error, name)
			require.NoError(t, g.Error, name)
			assert.Equal(t, w.RowsAffected, g.RowsAffected, "%s: rows affected", name)
		}
		// In GORM's own transaction, by primary key only: the statement
		// runs on every shard and is kept as it changed one shard's rows.
		var o shardOrder
		require.NoError(t, withTx.First(&o, 47).Error)
		note := "saved"
		o.Note, o.Total = &note, o.Total+1
		if assert.NoError(t, withTx.Save(&o).Error, "Save by primary key") {
			require.NoError(t, ref.Save(&o).Error) // the reference follows what Grant did
		}
		res := withTx.Delete(&shardOrder{}, 48)
		require.NoError(t, res.Error, "Delete by primary key")
		assert.Equal(t, int64(1), res.RowsAffected)
		require.NoError(t, ref.Delete(&shardOrder{}, 48).Error)
		twoShards := func(db *gorm.DB) error {
			return db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Create(&shardOrder{ID: 500, CustomerID: 2, Status: "new", CreatedAt: time.Unix(0, 0).UTC()}).Error; err != nil {
					return err
				}
				return tx.Model(&shardOrder{}).Where("customer_id = ?", 3+n).Update("status", "x").Error
			})
		}
		err := twoShards(gdb)
		if tg.dialect == dialect.SQLite {
			assert.ErrorIs(t, err, grant.ErrCrossShardWrite, "a GORM transaction writing to two shards")
			var left int64
			require.NoError(t, gdb.Model(&shardOrder{}).Where("id = ?", 500).Count(&left).Error)
			assert.Zero(t, left, "rolled back")
		} else {
			require.NoError(t, err, "a GORM transaction writing to two shards commits in two phases")
			require.NoError(t, twoShards(ref))
		}
	})
	t.Run("ReadsAfterWrites", reads)
}
