package lockrewrite

import (
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grantsql/grant/locking"
)

// DefaultCacheEntries is the capacity New uses when given 0 or less.
const DefaultCacheEntries = 4096

// maxCachedSQL is the longest statement text the cache keeps.
const maxCachedSQL = 16 << 10

// cacheShards splits the cache so that readers on many cores do not share
// one lock word.
const cacheShards = 16

// key is what a rewrite depends on besides the server and the
// configuration, which are fixed per Rewriter.
type key struct {
	sql      string
	version  bool // an optimistic rewrite; the lock fields are zero
	strength locking.Strength
	wait     locking.WaitPolicy
	timeout  time.Duration
	of       []string
}

func (k *key) equal(o *key) bool {
	return k.sql == o.sql && k.version == o.version && k.strength == o.strength &&
		k.wait == o.wait && k.timeout == o.timeout && slices.Equal(k.of, o.of)
}

// entry is one cached rewrite: a *Lock or *Version, or the refusal.
type entry struct {
	hash uint64
	key  key
	lock *Lock
	ver  *Version
	err  error
	ref  atomic.Bool
}

// cache is a bounded map from key to rewrite with CLOCK eviction: an entry
// hit since the hand last passed it gets a second chance.
type cache struct {
	seed   maphash.Seed
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu   sync.RWMutex
	m    map[uint64]*entry
	ring []*entry
	hand int
	size int
	_    [40]byte // keep shards on separate cache lines
}

func newCache(entries int) *cache {
	if entries <= 0 {
		entries = DefaultCacheEntries
	}
	c := &cache{seed: maphash.MakeSeed()}
	per := max((entries+cacheShards-1)/cacheShards, 1)
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]*entry, per)
		c.shards[i].size = per
	}
	return c
}

func (c *cache) hash(k *key) uint64 {
	h := maphash.String(c.seed, k.sql)
	h = mix(h ^ (uint64(k.strength) | uint64(k.wait)<<8 | uint64(len(k.of))<<16))
	if k.version {
		h = mix(h ^ 1<<63)
	}
	if k.timeout != 0 {
		h = mix(h ^ uint64(k.timeout))
	}
	for _, o := range k.of {
		h = mix(h ^ maphash.String(c.seed, o))
	}
	return h
}

// mix scrambles the bits of h (the finalizer of MurmurHash3).
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// get returns the entry of k, or nil.
func (c *cache) get(h uint64, k *key) *entry {
	sh := &c.shards[h%cacheShards]
	sh.mu.RLock()
	e := sh.m[h]
	sh.mu.RUnlock()
	if e == nil || !e.key.equal(k) {
		return nil
	}
	if !e.ref.Load() {
		e.ref.Store(true)
	}
	return e
}

// put stores e and returns the entry the cache now holds for its key.
func (c *cache) put(e *entry) *entry {
	sh := &c.shards[e.hash%cacheShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old := sh.m[e.hash]; old != nil {
		if old.key.equal(&e.key) {
			return old
		}
		sh.m[e.hash] = e // a hash collision: the newer key wins its slot
		for i, r := range sh.ring {
			if r == old {
				sh.ring[i] = e
			}
		}
		return e
	}
	if len(sh.ring) < sh.size {
		sh.ring = append(sh.ring, e)
		sh.m[e.hash] = e
		return e
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
		sh.m[e.hash] = e
		sh.hand = (sh.hand + 1) % len(sh.ring)
		return e
	}
}

// len returns the number of entries held.
func (c *cache) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}
