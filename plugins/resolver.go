package plugins

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/grantsql/grant/plugins/internal/wire"
	"github.com/grantsql/grant/sharding"
)

// resolver is the sharding resolver of type plugin: its answers come from
// a plugin process, checked against its databases and kept in its cache.
type resolver struct {
	s     *settings
	proc  *process
	cache *cache // nil without one

	calls, keys, hits atomic.Uint64
	closeOnce         sync.Once
}

var (
	_ sharding.BatchResolver = (*resolver)(nil)
	_ io.Closer              = (*resolver)(nil)
)

// newResolver is the Factory of type plugin: it checks the specification
// and the executable, and starts the plugin.
func newResolver(name string, spec sharding.Spec) (sharding.Resolver, error) {
	s, err := parseSpec(name, spec)
	if err != nil {
		return nil, err
	}
	if err := s.verify(); err != nil {
		return nil, err
	}
	p, err := newProcess(s)
	if err != nil {
		return nil, configErrorf(s.key+".path", "the plugin did not start: %v", err)
	}
	r := &resolver{s: s, proc: p}
	if s.cacheSize > 0 {
		r.cache = newCache(s.cacheSize, s.cacheTTL)
	}
	return r, nil
}

// check is the Check of type plugin: the specification, the executable's
// existence and its checksum, without starting anything.
func check(name string, spec sharding.Spec) error {
	s, err := parseSpec(name, spec)
	if err != nil {
		return err
	}
	return s.verify()
}

// Databases returns the configured databases, each once, in order.
func (r *resolver) Databases() []string { return slices.Clone(r.s.dbs) }

// Resolve returns the database of key: from the cache, or from the plugin.
func (r *resolver) Resolve(ctx context.Context, key sharding.Key) (string, error) {
	var buf [64]byte // on the stack: a cached answer allocates nothing
	batch, err := r.encode(wire.AppendCount(buf[:0], 1), key)
	if err != nil {
		return "", err
	}
	enc := batch[1:]
	if r.cache != nil {
		if db, ok := r.cache.get(enc); ok {
			r.hits.Add(1)
			return db, nil
		}
	}
	r.calls.Add(1)
	r.keys.Add(1)
	reply, err := r.proc.call(ctx, batch, 1)
	if err != nil {
		return "", r.failed(key, err)
	}
	return r.answer(key, enc, reply, 0)
}

// ResolveBatch returns the databases of keys, asking the plugin in one
// call for those not in the cache.
func (r *resolver) ResolveBatch(ctx context.Context, keys []sharding.Key) ([]string, error) {
	out := make([]string, len(keys))
	// The encodings of the keys to ask for, one after the other: the batch
	// after its count.
	encs := make([]byte, 0, 16*len(keys))
	type span struct{ key, off, end int }
	miss := make([]span, 0, len(keys))
	for i, key := range keys {
		enc, err := r.encode(encs, key)
		switch {
		case errors.Is(err, sharding.ErrNullKey):
			continue
		case err != nil:
			return nil, err
		}
		if r.cache != nil {
			if db, ok := r.cache.get(enc[len(encs):]); ok {
				r.hits.Add(1)
				out[i] = db
				continue
			}
		}
		miss = append(miss, span{i, len(encs), len(enc)})
		encs = enc
	}
	if len(miss) == 0 {
		return out, nil
	}
	batch := append(wire.AppendCount(make([]byte, 0, len(encs)+binary.MaxVarintLen64), len(miss)), encs...)
	r.calls.Add(1)
	r.keys.Add(uint64(len(miss)))
	reply, err := r.proc.call(ctx, batch, len(miss))
	if err != nil {
		return nil, r.failed(keys[miss[0].key], err)
	}
	for j, m := range miss {
		db, err := r.answer(keys[m.key], encs[m.off:m.end], reply, j)
		switch {
		case errors.Is(err, sharding.ErrNoShard), errors.Is(err, sharding.ErrNullKey):
		case err != nil:
			return nil, err
		default:
			out[m.key] = db
		}
	}
	return out, nil
}

// encode appends the encoding of key to dst; a NULL value or a value of a
// type a plugin cannot receive is an error.
func (r *resolver) encode(dst []byte, key sharding.Key) ([]byte, error) {
	n := key.Len()
	if n == 0 {
		return nil, &sharding.KeyError{Resolver: r.s.name, Key: key, Err: sharding.ErrKeyType, Reason: "an empty composite key"}
	}
	dst = wire.AppendCount(dst, n)
	for i := 0; i < n; i++ {
		v := key.Value(i)
		if v == nil {
			return nil, &sharding.KeyError{Resolver: r.s.name, Key: key, Err: sharding.ErrNullKey}
		}
		var err error
		if dst, err = wire.AppendValue(dst, v); err != nil {
			return nil, &sharding.KeyError{Resolver: r.s.name, Key: key, Err: sharding.ErrKeyType,
				Reason: fmt.Sprintf("a plugin takes int64, float64, string, []byte, bool and time.Time values: %v", err)}
		}
	}
	return dst, nil
}

// answer checks the plugin's answer i for key (encoded enc) and caches it.
func (r *resolver) answer(key sharding.Key, enc []byte, reply *wire.Reply, i int) (string, error) {
	text := reply.Text(i)
	if c := reply.Code(i); c != wire.CodeOK {
		if s := wire.Sentinel(c); s != nil {
			return "", &sharding.KeyError{Resolver: r.s.name, Key: key, Err: s, Reason: fmt.Sprintf("plugin %q: %s", r.s.name, text)}
		}
		return "", r.failed(key, fmt.Errorf("%w: the plugin's error: %s", ErrAnswer, text))
	}
	for _, db := range r.s.dbs {
		if db == string(text) { // the configured string: the answer's bytes are not kept
			if r.cache != nil {
				r.cache.put(enc, db)
			}
			return db, nil
		}
	}
	return "", r.failed(key, fmt.Errorf("%w: database %q is not one of its databases %q", ErrAnswer, text, r.s.dbs))
}

// failed returns the error of key when the plugin failed with err.
func (r *resolver) failed(key sharding.Key, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &sharding.KeyError{Resolver: r.s.name, Key: key, Err: err}
	}
	return &sharding.KeyError{Resolver: r.s.name, Key: key, Err: &Error{Resolver: r.s.name, Path: r.s.path, Err: err}}
}

// Close kills the plugin's process and waits until it has exited. The
// resolver then fails every call with ErrClosed.
func (r *resolver) Close() error {
	r.closeOnce.Do(func() {
		r.proc.close()
		if r.cache != nil {
			r.cache.close()
		}
	})
	return nil
}

// Stats are counters of a plugin resolver.
type Stats struct {
	Calls     uint64 // calls sent to the plugin (a batch is one call)
	Keys      uint64 // keys sent to the plugin
	CacheHits uint64 // keys answered from the cache
	Starts    uint64 // plugin processes started: 1, plus every restart
}

// StatsOf returns the counters of r, and false when r is not a resolver of
// type plugin.
func StatsOf(r sharding.Resolver) (Stats, bool) {
	pr, ok := r.(*resolver)
	if !ok {
		return Stats{}, false
	}
	return Stats{Calls: pr.calls.Load(), Keys: pr.keys.Load(), CacheHits: pr.hits.Load(), Starts: pr.proc.starts.Load()}, true
}
