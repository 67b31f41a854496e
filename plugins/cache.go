package plugins

import (
	"sync"
	"sync/atomic"
	"time"
)

// cache keeps a resolver's answers by the encoding of their key: at most
// size keys, each for ttl (0: until evicted). It holds two generations of
// size/2 keys: a new key goes to the current one, a full current
// generation replaces the previous one, and a key found in the previous
// one moves to the current one. Keys used within the last size/2
// insertions stay, as in an LRU cache, without a list to update on every
// hit.
//
// Expiry reads a clock that a goroutine advances every tick (a tenth of
// the ttl, at most a second), so that a hit reads no clock: an answer is
// kept for ttl to within a tick.
type cache struct {
	half int
	ttl  time.Duration
	base time.Time    // the start of the clock
	now  atomic.Int64 // nanoseconds since base, advanced every tick
	stop chan struct{}
	done chan struct{}

	mu       sync.RWMutex
	cur, old map[string]cacheEntry
}

type cacheEntry struct {
	db      string
	expires int64 // nanoseconds since base; 0 with no ttl
}

func newCache(size int, ttl time.Duration) *cache {
	half := max(size/2, 1)
	c := &cache{half: half, ttl: ttl, base: time.Now(), cur: make(map[string]cacheEntry, half)}
	if ttl > 0 {
		c.stop, c.done = make(chan struct{}), make(chan struct{})
		go c.tick(min(max(ttl/10, time.Millisecond), time.Second))
	}
	return c
}

// tick advances the clock until close.
func (c *cache) tick(every time.Duration) {
	defer close(c.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.now.Store(int64(time.Since(c.base)))
		}
	}
}

// close stops the clock.
func (c *cache) close() {
	if c.stop != nil {
		close(c.stop)
		<-c.done
	}
}

// get returns the database cached for key.
func (c *cache) get(key []byte) (string, bool) {
	c.mu.RLock()
	e, ok := c.cur[string(key)]
	inOld := false
	if !ok {
		e, ok = c.old[string(key)]
		inOld = ok
	}
	c.mu.RUnlock()
	if !ok || (e.expires != 0 && c.now.Load() >= e.expires) {
		return "", false
	}
	if inOld {
		c.mu.Lock()
		delete(c.old, string(key))
		c.putLocked(string(key), e)
		c.mu.Unlock()
	}
	return e.db, true
}

// put caches db as the database of key.
func (c *cache) put(key []byte, db string) {
	e := cacheEntry{db: db}
	if c.ttl > 0 {
		e.expires = int64(time.Since(c.base) + c.ttl)
	}
	c.mu.Lock()
	c.putLocked(string(key), e)
	c.mu.Unlock()
}

func (c *cache) putLocked(key string, e cacheEntry) {
	if _, ok := c.cur[key]; !ok && len(c.cur) >= c.half {
		c.old, c.cur = c.cur, make(map[string]cacheEntry, c.half)
	}
	c.cur[key] = e
}

// len returns the number of keys held.
func (c *cache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.cur) + len(c.old)
}
