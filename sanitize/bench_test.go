package sanitize

import (
	"testing"
	"time"
)

var (
	sinkString string
	sinkBytes  []byte
	shortName  = "alice@example.com"
	quoteName  = "O'Brien"
)

func BenchmarkQuoteString(b *testing.B) {
	for _, bc := range []struct {
		name string
		q    Quoter
		s    string
	}{
		{"short/postgres", Quoter{Dialect: pg}, shortName},
		{"short/mysql", Quoter{Dialect: my}, shortName},
		{"short/sqlite", Quoter{Dialect: sq}, shortName},
		{"quote/postgres", Quoter{Dialect: pg}, quoteName},
		{"quote/mysql", Quoter{Dialect: my}, quoteName},
		{"utf8/postgres", Quoter{Dialect: pg}, "Grüße, 日本"},
		{"1KiB/postgres", Quoter{Dialect: pg}, string(make1KiB())},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkString, _ = bc.q.QuoteString(bc.s)
			}
		})
	}
}

func make1KiB() []byte {
	s := make([]byte, 1024)
	for i := range s {
		s[i] = "abc'd\\ef"[i%8]
	}
	return s
}

func BenchmarkQuote(b *testing.B) {
	for _, bc := range []struct {
		name string
		v    any
	}{
		{"string", shortName},
		{"int64", int64(1234567)},
		{"float64", 3.14159},
		{"bool", true},
		{"nil", nil},
		{"bytes16", []byte("0123456789abcdef")},
		{"time", time.Date(2024, 3, 9, 14, 5, 6, 123456789, time.UTC)},
		{"named int", userID(77)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkString, _ = Quote(pg, bc.v)
			}
		})
	}
}

// BenchmarkQuoteStringAsAny passes a string variable to Quote, whose any
// parameter costs the caller a conversion.
func BenchmarkQuoteStringAsAny(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = Quote(pg, shortName)
	}
}

func BenchmarkAppendQuoteString(b *testing.B) {
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		sinkBytes, _ = AppendQuote(pg, buf[:0], shortName)
	}
}

func BenchmarkQuoteIdent(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = QuoteIdent(pg, "public.users")
	}
}

func BenchmarkArray(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = Array(pg, "SELECT * FROM users WHERE name = ? AND age > ? AND id IN (?)",
			shortName, 30, []int{1, 2, 3})
	}
}

func BenchmarkArrayNamed(b *testing.B) {
	args := map[string]any{"name": shortName, "age": 30}
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = Array(pg, "SELECT * FROM users WHERE name = :name AND age > :age", args)
	}
}

func BenchmarkHash(b *testing.B) {
	m := map[string]any{"name": shortName, "age": 30, "deleted_at": nil}
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = Hash(pg, m)
	}
}

func BenchmarkLike(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString = Like("100%_sure", '\\')
	}
}
