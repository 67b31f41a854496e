package analyze

import (
	"testing"

	"github.com/grantsql/grant/dialect"
)

// Typical ORM statements.
const (
	gormSelect = `SELECT * FROM "users" WHERE "users"."email" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT 1`
	gormInsert = "INSERT INTO `users` (`created_at`,`updated_at`,`deleted_at`,`name`,`email`,`age`) VALUES (?,?,?,?,?,?),(?,?,?,?,?,?)"
	entSelect  = `SELECT DISTINCT "t1"."id", "t1"."name", "t1"."age" FROM "users" AS "t1" JOIN "groups" AS "t2" ON "t1"."group_id" = "t2"."id" WHERE "t1"."age" > $1 AND "t2"."name" IN ($2, $3) ORDER BY "t1"."id" LIMIT 10 OFFSET 20`
)

func BenchmarkAnalyzeGORMSelect(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Analyze(dialect.Postgres, gormSelect)
	}
}

func BenchmarkAnalyzeGORMInsert(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Analyze(dialect.MySQL, gormInsert)
	}
}

func BenchmarkAnalyzeEntSelect(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Analyze(dialect.Postgres, entSelect)
	}
}

// BenchmarkLex measures the lexer alone over the GORM select.
func BenchmarkLex(b *testing.B) {
	b.ReportAllocs()
	var lx Lexer
	for b.Loop() {
		lx.Reset(dialect.Postgres, gormSelect)
		for lx.Next().Kind != TokEOF {
		}
	}
}

// BenchmarkClassify measures lexing plus classification and the token
// scans, without the structural parse.
func BenchmarkClassify(b *testing.B) {
	b.ReportAllocs()
	buf := make([]Token, 0, 128)
	var st Statement
	for b.Loop() {
		toks, _ := lexAll(dialect.Postgres, gormSelect, buf[:0])
		c := classify(dialect.Postgres, gormSelect, toks)
		scanPart(dialect.Postgres, gormSelect, toks, &c, &st, nil)
	}
}

func BenchmarkCacheHit(b *testing.B) {
	c := NewCache(0)
	c.Analyze(dialect.Postgres, gormSelect)
	b.ReportAllocs()
	for b.Loop() {
		c.Analyze(dialect.Postgres, gormSelect)
	}
}

func BenchmarkCacheHitParallel(b *testing.B) {
	c := NewCache(0)
	c.Analyze(dialect.Postgres, gormSelect)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Analyze(dialect.Postgres, gormSelect)
		}
	})
}
