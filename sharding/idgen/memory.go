package idgen

import (
	"context"
	"sync"
)

// MemoryStore is a Store in memory, for tests and for programs whose
// generators all live in one process.
type MemoryStore struct {
	mu       sync.Mutex
	counters map[string]int64
	nodes    map[string]map[int]Lease
}

var _ Store = (*MemoryStore)(nil)

// TakeBlock implements Store.
func (m *MemoryStore) TakeBlock(_ context.Context, name string, n, start int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counters == nil {
		m.counters = map[string]int64{}
	}
	next, ok := m.counters[name]
	if !ok {
		next = start
	}
	m.counters[name] = next + n
	return next, nil
}

// LeaseNode implements Store.
func (m *MemoryStore) LeaseNode(_ context.Context, r LeaseRequest) (Lease, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.nodes == nil {
		m.nodes = map[string]map[int]Lease{}
	}
	held := m.nodes[r.Name]
	if held == nil {
		held = map[int]Lease{}
		m.nodes[r.Name] = held
	}
	if p := r.Prev; p.Holder != "" {
		if cur, ok := held[p.Node]; ok && cur.Holder == r.Holder {
			cur.Until = max(r.Now, cur.Until) + r.Duration
			held[p.Node] = cur
			return cur, nil
		}
	}
	for node := range MaxNode + 1 {
		cur, ok := held[node]
		if ok && cur.Until+r.Duration >= r.Now {
			continue
		}
		l := Lease{Node: node, Holder: r.Holder}
		if ok {
			l.From = cur.Until + 1
		}
		l.Until = max(r.Now, l.From) + r.Duration
		held[node] = l
		return l, nil
	}
	return Lease{}, ErrNoNode
}
