package peers_test

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"

	"github.com/grantsql/grant/dialect"
)

// peersUser is a row of peers_bench_users.
type peersUser struct {
	ID    int64
	Name  string
	Email string
}

func (peersUser) TableName() string { return "peers_bench_users" }

// peersWrite is a row of peers_bench_writes.
type peersWrite struct {
	ID    int64
	Name  string
	Email string
}

func (peersWrite) TableName() string { return "peers_bench_writes" }

// dialector wraps an existing *sql.DB in GORM's dialector for s.
func dialector(s server, db *sql.DB) gorm.Dialector {
	switch s.dialect {
	case dialect.Postgres:
		return postgres.New(postgres.Config{Conn: db})
	case dialect.MySQL:
		return mysql.New(mysql.Config{Conn: db, SkipInitializeWithVersion: true})
	}
	return sqlite.New(sqlite.Config{Conn: db})
}

// gormSide is a GORM side: its name and GORM on top of a side.
type gormSide struct {
	name string
	g    *gorm.DB
	sd   side // the database/sql side under GORM
}

// openGORM opens GORM over db the same way on every side: no logging, no
// transaction around single creates (GORM's SkipDefaultTransaction).
func openGORM(b *testing.B, s server, db *sql.DB) *gorm.DB {
	b.Helper()
	g, err := gorm.Open(dialector(s, db), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	require.NoError(b, err)
	return g
}

// gormSplitSides are the sides of the GORM primary/replica benchmarks: GORM
// over the raw driver straight to target (the replica for reads, the
// primary for writes), GORM over Grant (primary and replica), and GORM over
// the primary with gorm.io/plugin/dbresolver sending reads to the replica.
func gormSplitSides(b *testing.B, s server, target string) []gormSide {
	raw, gr := rawSide(b, s, target), grantSide(b, s, true)
	res := openGORM(b, s, open(b, s.driver, s.primary))
	require.NoError(b, res.Use(dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{dialector(s, open(b, s.driver, s.replica))},
	})))
	return []gormSide{
		{name: "raw", g: openGORM(b, s, raw.db), sd: raw},
		{name: "grant", g: openGORM(b, s, gr.db), sd: gr},
		{name: "dbresolver", g: res},
	}
}

// runGORMSides runs op as a sub-benchmark side=<name> per side.
func runGORMSides(b *testing.B, sides []gormSide, op func(b *testing.B, gs gormSide)) {
	rotated(b, len(sides), func(i int) {
		b.Run("side="+sides[i].name, func(b *testing.B) { measure(b, func() { op(b, sides[i]) }) })
	})
}

// BenchmarkGORMReplicaRead reads one row by primary key with GORM's First,
// from the replica.
func BenchmarkGORMReplicaRead(b *testing.B) {
	forReplicated(b, func(b *testing.B, s server) {
		seedUsers(b, s)
		runGORMSides(b, gormSplitSides(b, s, s.replica), func(b *testing.B, gs gormSide) {
			var before map[string]int64
			if gs.sd.gr != nil {
				before = nodeStatements(gs.sd)
			}
			n := 0
			for i := 0; b.Loop(); i++ {
				var u peersUser
				if err := gs.g.First(&u, i%seedRows+1).Error; err != nil {
					b.Fatal(err)
				}
				n++
			}
			checkRoute(b, gs.sd, before, "main.replicas[0]", n)
		})
	})
}

// BenchmarkGORMPrimaryWrite creates one row with GORM's Create (an
// auto-increment key read back) on the primary.
func BenchmarkGORMPrimaryWrite(b *testing.B) {
	forReplicated(b, func(b *testing.B, s server) {
		createWrites(b, s)
		runGORMSides(b, gormSplitSides(b, s, s.primary), func(b *testing.B, gs gormSide) {
			var before map[string]int64
			if gs.sd.gr != nil {
				before = nodeStatements(gs.sd)
			}
			n := 0
			for b.Loop() {
				if err := gs.g.Create(&peersWrite{Name: "user", Email: "user@example.com"}).Error; err != nil {
					b.Fatal(err)
				}
				n++
			}
			checkRoute(b, gs.sd, before, "main.primary", n)
		})
	})
}
