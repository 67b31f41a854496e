package lockrewrite

import (
	"slices"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

// Rewriter applies Pessimistic and Optimistic for one server and one
// locking configuration, caching each result (refusals included) per
// statement text and request in a bounded cache. It is safe for concurrent
// use; the results it returns are shared and must not be modified.
type Rewriter struct {
	server Server
	cfg    *locking.Config
	cache  *cache
}

// New returns a Rewriter for server with configuration cfg (nil: no
// version columns), caching at most entries rewrites (DefaultCacheEntries
// when entries <= 0). cfg must not change afterwards.
func New(server Server, cfg *locking.Config, entries int) *Rewriter {
	return &Rewriter{server: server, cfg: cfg, cache: newCache(entries)}
}

// Server returns the server w rewrites for.
func (w *Rewriter) Server() Server { return w.server }

// Lock returns Pessimistic(w.Server(), st, r), from the cache when it
// holds it.
func (w *Rewriter) Lock(st *analyze.Statement, r locking.Request) (*Lock, error) {
	if st.Kind != analyze.KindSelect && w.server != SQLite {
		// Not a SELECT: unchanged, once the request is known to be valid.
		if err := checkRequest(w.server, st.SQL, r); err != nil {
			return nil, err
		}
		return &Lock{SQL: st.SQL, Statement: st}, nil
	}
	if len(st.SQL) > maxCachedSQL {
		return Pessimistic(w.server, st, r)
	}
	k := key{sql: st.SQL, strength: r.Strength, wait: r.Wait, timeout: r.Timeout, of: r.Of}
	h := w.cache.hash(&k)
	if e := w.cache.get(h, &k); e != nil {
		return e.lock, e.err
	}
	l, err := Pessimistic(w.server, st, r)
	k.of = slices.Clone(r.Of)
	e := w.cache.put(&entry{hash: h, key: k, lock: l, err: err})
	return e.lock, e.err
}

// Version returns Optimistic(st, cfg), from the cache when it holds it.
func (w *Rewriter) Version(st *analyze.Statement) (*Version, error) {
	if st.Kind != analyze.KindUpdate && st.Kind != analyze.KindDelete {
		return &Version{SQL: st.SQL, Statement: st}, nil
	}
	if len(st.SQL) > maxCachedSQL {
		return Optimistic(st, w.cfg)
	}
	k := key{sql: st.SQL, version: true}
	h := w.cache.hash(&k)
	if e := w.cache.get(h, &k); e != nil {
		return e.ver, e.err
	}
	v, err := Optimistic(st, w.cfg)
	e := w.cache.put(&entry{hash: h, key: k, ver: v, err: err})
	return e.ver, e.err
}

// Begin returns BeginFor(w.Server(), r).
func (w *Rewriter) Begin(r locking.Request) (*Begin, error) { return BeginFor(w.server, r) }

// Len returns the number of cached rewrites.
func (w *Rewriter) Len() int { return w.cache.len() }
