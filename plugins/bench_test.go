package plugins_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/grantsql/grant/routing/routecfg"
	"github.com/grantsql/grant/sharding"
)

var benchCountries = []string{"DE", "US", "BR", "FR", "CA", "JP", "NL", "MX", "IN", "SE", "GB", "AU"}

// BenchmarkResolveCached resolves a key held in the cache.
func BenchmarkResolveCached(b *testing.B) {
	spec := geoSpec(b)
	spec.Cache = &sharding.CacheSpec{Size: 1000, TTL: routecfg.Duration(time.Minute)}
	r := newResolver(b, "geo", spec)
	ctx, key := context.Background(), sharding.KeyOf("DE")
	if _, err := r.Resolve(ctx, key); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Resolve(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveCachedParallel is BenchmarkResolveCached from every
// core.
func BenchmarkResolveCachedParallel(b *testing.B) {
	spec := geoSpec(b)
	spec.Cache = &sharding.CacheSpec{Size: 1000, TTL: routecfg.Duration(time.Minute)}
	r := newResolver(b, "geo", spec)
	ctx := context.Background()
	for _, c := range benchCountries {
		if _, err := r.Resolve(ctx, sharding.KeyOf(c)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := r.Resolve(ctx, sharding.KeyOf(benchCountries[i%len(benchCountries)])); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkResolveUncached calls the plugin for every key, and reports the
// median and 99th percentile of a call.
func BenchmarkResolveUncached(b *testing.B) {
	r := newResolver(b, "geo", geoSpec(b))
	ctx := context.Background()
	d := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := r.Resolve(ctx, sharding.KeyOf(benchCountries[i%len(benchCountries)])); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
		i++
	}
	reportPercentiles(b, d)
}

// BenchmarkResolveBatch100 resolves 100 keys in one call of the plugin.
func BenchmarkResolveBatch100(b *testing.B) {
	r := newResolver(b, "geo", geoSpec(b)).(sharding.BatchResolver)
	ctx := context.Background()
	keys := make([]sharding.Key, 100)
	for i := range keys {
		keys[i] = sharding.KeyOf(benchCountries[i%len(benchCountries)])
	}
	d := make([]time.Duration, 0, 1<<14)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := r.ResolveBatch(ctx, keys); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	reportPercentiles(b, d)
}

func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(d[len(d)*99/100].Nanoseconds()), "p99-ns")
}
