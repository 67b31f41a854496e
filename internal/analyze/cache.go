package analyze

import (
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/grantsql/grant/dialect"
)

// DefaultCacheEntries is the capacity NewCache uses when given 0 or less.
const DefaultCacheEntries = 4096

// MaxCachedSQL is the longest statement text a Cache keeps; longer texts are
// analyzed on every call so that a few huge statements cannot pin memory.
const MaxCachedSQL = 16 << 10

// Cache memoises Analyze per (dialect, SQL text). It is bounded by a number
// of entries, safe for concurrent use, and a hit costs one hash of the text,
// one map lookup and one string comparison, with no allocation.
//
// The cache is split into shards, each a map from the text's hash to its
// entry, guarded by a read-write mutex, and evicts with the CLOCK algorithm
// (an entry hit since the hand last passed gets a second chance).
//
// The *Statement a Cache returns is shared by every caller that analyzes the
// same text: it must be treated as immutable. A nil *Cache is valid and
// caches nothing.
type Cache struct {
	opts   *Options
	seed   maphash.Seed
	shift  uint // the shard is the hash's top bits
	shards []cacheShard
}

type cacheShard struct {
	mu     sync.RWMutex
	m      map[uint64]*cacheEntry
	ring   []*cacheEntry
	hand   int
	size   int
	hits   atomic.Uint64
	misses atomic.Uint64
	_      [40]byte // keep shards on separate cache lines
}

type cacheEntry struct {
	hash uint64
	d    dialect.Dialect
	sql  string
	st   *Statement
	ref  atomic.Bool
}

// NewCache returns a cache holding at most entries statements
// (DefaultCacheEntries when entries <= 0).
// NewCacheWith is NewCache for statements analyzed with a cluster's
// options.
func NewCacheWith(entries int, o *Options) *Cache {
	c := NewCache(entries)
	c.opts = o
	return c
}

func NewCache(entries int) *Cache {
	if entries <= 0 {
		entries = DefaultCacheEntries
	}
	n := 1 // shards: a power of two, at least 16 entries each, at most 64
	for n < 64 && entries/(n*2) >= 16 {
		n *= 2
	}
	c := &Cache{seed: maphash.MakeSeed(), shift: uint(64 - bits.TrailingZeros(uint(n))), shards: make([]cacheShard, n)}
	per := (entries + n - 1) / n
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]*cacheEntry, per)
		c.shards[i].size = per
	}
	return c
}

// Analyze returns the analysis of sql as dialect d, from the cache when it
// holds it. The result is shared: do not modify it.
func (c *Cache) Analyze(d dialect.Dialect, sql string) *Statement {
	if c == nil {
		return Analyze(d, sql)
	}
	if len(sql) > MaxCachedSQL {
		return AnalyzeWith(d, sql, c.opts)
	}
	h := maphash.String(c.seed, sql) ^ (uint64(d) * 0x9e3779b97f4a7c15)
	sh := &c.shards[h>>c.shift] // a shift of 64 (one shard) gives 0
	sh.mu.RLock()
	if e := sh.m[h]; e != nil && e.d == d && e.sql == sql {
		if !e.ref.Load() {
			e.ref.Store(true)
		}
		st := e.st
		sh.mu.RUnlock()
		sh.hits.Add(1)
		return st
	}
	sh.mu.RUnlock()
	sh.misses.Add(1)
	return sh.insert(h, d, sql, AnalyzeWith(d, sql, c.opts))
}

// insert adds an analysis and returns the one the cache now holds for the
// text (another caller's, if it raced ahead).
func (sh *cacheShard) insert(h uint64, d dialect.Dialect, sql string, st *Statement) *Statement {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e := sh.m[h]; e != nil {
		if e.d == d && e.sql == sql {
			return e.st
		}
		e.d, e.sql, e.st = d, sql, st // a hash collision: the newer text wins
		return st
	}
	e := &cacheEntry{hash: h, d: d, sql: sql, st: st}
	if len(sh.ring) < sh.size {
		sh.ring = append(sh.ring, e)
		sh.m[h] = e
		return st
	}
	for {
		old := sh.ring[sh.hand]
		if old.ref.Load() {
			old.ref.Store(false)
			sh.hand = (sh.hand + 1) % len(sh.ring)
			continue
		}
		delete(sh.m, old.hash)
		sh.ring[sh.hand] = e
		sh.m[h] = e
		sh.hand = (sh.hand + 1) % len(sh.ring)
		return st
	}
}

// CacheStats are a cache's counters.
type CacheStats struct {
	Entries int    // statements held
	Hits    uint64 // calls answered from the cache
	Misses  uint64 // calls that analyzed (texts over MaxCachedSQL not counted)
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	var s CacheStats
	if c == nil {
		return s
	}
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		s.Entries += len(sh.m)
		sh.mu.RUnlock()
		s.Hits += sh.hits.Load()
		s.Misses += sh.misses.Load()
	}
	return s
}
