package analyze

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/assert"
)

func TestCacheShares(t *testing.T) {
	c := NewCache(0)
	a := c.Analyze(dialect.Postgres, gormSelect)
	b := c.Analyze(dialect.Postgres, gormSelect)
	assert.Same(t, a, b)
	other := c.Analyze(dialect.MySQL, gormSelect)
	assert.NotSame(t, a, other)
	assert.Equal(t, dialect.MySQL, other.Dialect)
	s := c.Stats()
	assert.Equal(t, CacheStats{Entries: 2, Hits: 1, Misses: 2}, s)
}

func TestCacheBounded(t *testing.T) {
	c := NewCache(100)
	for i := 0; i < 1000; i++ {
		c.Analyze(dialect.Postgres, "SELECT "+strconv.Itoa(i))
	}
	s := c.Stats()
	assert.LessOrEqual(t, s.Entries, 100+len(c.shards))
	assert.GreaterOrEqual(t, s.Entries, 90)
	// A recently used entry survives a sweep that evicts unused ones.
	hot := "SELECT 'hot'"
	c.Analyze(dialect.Postgres, hot)
	for i := 0; i < 50; i++ {
		c.Analyze(dialect.Postgres, hot)
		c.Analyze(dialect.Postgres, "SELECT "+strconv.Itoa(2000+i))
	}
	before := c.Stats().Hits
	c.Analyze(dialect.Postgres, hot)
	assert.Equal(t, before+1, c.Stats().Hits)
}

func TestCacheSkipsHugeAndNil(t *testing.T) {
	c := NewCache(10)
	huge := "SELECT '" + strings.Repeat("x", MaxCachedSQL) + "'"
	a := c.Analyze(dialect.Postgres, huge)
	b := c.Analyze(dialect.Postgres, huge)
	assert.NotSame(t, a, b)
	assert.Equal(t, 0, c.Stats().Entries)

	var none *Cache
	assert.Equal(t, KindSelect, none.Analyze(dialect.Postgres, "SELECT 1").Kind)
	assert.Equal(t, CacheStats{}, none.Stats())
}

func TestCacheHitAllocatesNothing(t *testing.T) {
	c := NewCache(0)
	c.Analyze(dialect.Postgres, gormSelect)
	allocs := testing.AllocsPerRun(1000, func() { c.Analyze(dialect.Postgres, gormSelect) })
	assert.Zero(t, allocs)
}

func TestCacheConcurrent(t *testing.T) {
	c := NewCache(64)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				sql := "SELECT * FROM t WHERE id = " + strconv.Itoa((i*7+g)%100)
				st := c.Analyze(dialect.Postgres, sql)
				if st.SQL != sql || st.Kind != KindSelect {
					t.Errorf("wrong analysis for %q", sql)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	assert.LessOrEqual(t, c.Stats().Entries, 64+len(c.shards))
}
