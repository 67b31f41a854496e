package sharding

import (
	"fmt"
	"testing"
)

func benchmarkResolver(b *testing.B, spec Spec, key Key) {
	r, err := New("bench", spec, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(bg, key); err != nil {
			b.Fatal(err)
		}
	}
}

var benchResolveKey = KeyOf(int64(1234567))

func BenchmarkResolveModulo(b *testing.B) {
	benchmarkResolver(b, Spec{Type: "modulo", Databases: testDatabases}, benchResolveKey)
}

func BenchmarkResolveHash(b *testing.B) {
	benchmarkResolver(b, Spec{Type: "hash", Databases: testDatabases}, benchResolveKey)
}

func BenchmarkResolveHashString(b *testing.B) {
	benchmarkResolver(b, Spec{Type: "hash", Databases: testDatabases}, KeyOf("550e8400-e29b-41d4-a716-446655440000"))
}

func BenchmarkResolveHashComposite(b *testing.B) {
	benchmarkResolver(b, Spec{Type: "hash", Databases: testDatabases}, CompositeKey(int64(1234567), "us"))
}

func BenchmarkResolveRange(b *testing.B) {
	var ranges []RangeSpec
	for i := range 16 {
		rs := RangeSpec{Database: testDatabases[i%4]}
		if i > 0 {
			rs.From = i * 1_000_000
		}
		if i < 15 {
			rs.To = (i + 1) * 1_000_000
		}
		ranges = append(ranges, rs)
	}
	benchmarkResolver(b, Spec{Type: "range", Ranges: ranges}, benchResolveKey)
}

func BenchmarkResolveList(b *testing.B) {
	values := map[string]string{}
	for i := range 100 {
		values[fmt.Sprint(1234500+i)] = testDatabases[i%4]
	}
	benchmarkResolver(b, Spec{Type: "list", Values: values}, benchResolveKey)
}

func BenchmarkResolveRangeSpan(b *testing.B) {
	r, err := New("bench", Spec{Type: "range", Ranges: testRegionRanges}, nil)
	if err != nil {
		b.Fatal(err)
	}
	rr := r.(RangeResolver)
	lo, hi := InclusiveBound(int64(500)), ExclusiveBound(int64(2500))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rr.ResolveRange(bg, lo, hi); err != nil {
			b.Fatal(err)
		}
	}
}
