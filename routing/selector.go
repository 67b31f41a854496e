package routing

import (
	"math/bits"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

// pick chooses, by the configured policy, a replica of d that is in
// rotation and has replayed req1 and req2 (nil: no requirement). It returns
// nil when there is none, and how many replicas are in rotation before the
// requirements are applied. It takes no lock and allocates nothing: the
// candidates are a bit mask (hence MaxReplicas).
func (r *Router) pick(d *dbRoute, req1, req2 *Position) (*registry.Node, int) {
	var inRotation, ok uint64
	for i := range d.replicas {
		s := &d.replicas[i]
		if !r.inRotation(s) {
			continue
		}
		inRotation |= 1 << i
		if req1 != nil || req2 != nil {
			p := s.state.pos.Load()
			if p == nil || (req1 != nil && !p.Covers(req1)) || (req2 != nil && !p.Covers(req2)) {
				continue
			}
		}
		ok |= 1 << i
	}
	count := bits.OnesCount64(inRotation)
	if ok == 0 {
		return nil, count
	}
	n := uint64(bits.OnesCount64(ok))
	var i int
	switch r.cfg.Policy {
	case routecfg.Random:
		i = nthBit(ok, r.rnd(n))
	case routecfg.Weighted:
		i = r.weighted(d, ok)
	case routecfg.LeastInFlight:
		i = r.leastInFlight(d, ok)
	default: // round robin
		i = nthBit(ok, (d.rr.Add(1)-1)%n)
	}
	return d.replicas[i].node, count
}

// inRotation reports whether a replica may serve reads: healthy (registry
// health checks), replicating, within max_replica_lag, and of non-zero
// weight under the weighted policy.
func (r *Router) inRotation(s *slot) bool {
	if !s.node.Healthy() {
		return false
	}
	switch Status(s.state.statusV.Load()) {
	case StatusBroken, StatusNotReplica:
		return false
	}
	if r.maxLag > 0 && s.state.lag.Load() > r.maxLag {
		return false // unknown lag is lagUnknown, above any limit
	}
	return s.weight > 0 || r.cfg.Policy != routecfg.Weighted
}

// nthBit returns the index of the k-th (from 0) set bit of mask; mask has
// more than k bits set.
func nthBit(mask, k uint64) int {
	for ; k > 0; k-- {
		mask &= mask - 1
	}
	return bits.TrailingZeros64(mask)
}

// weighted picks at random in proportion to the candidates' weights.
func (r *Router) weighted(d *dbRoute, ok uint64) int {
	var total uint64
	for m := ok; m != 0; m &= m - 1 {
		total += d.replicas[bits.TrailingZeros64(m)].weight
	}
	x := r.rnd(total)
	for m := ok; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		if w := d.replicas[i].weight; x < w {
			return i
		} else {
			x -= w
		}
	}
	return bits.TrailingZeros64(ok) // not reached
}

// leastInFlight picks the candidate running the fewest statements; ties
// go round robin, so that an idle cluster still spreads its reads.
func (r *Router) leastInFlight(d *dbRoute, ok uint64) int {
	n := len(d.replicas)
	start := int((d.rr.Add(1) - 1) % uint64(n))
	best, bestLoad := -1, int64(0)
	for j := range n {
		i := (start + j) % n
		if ok&(1<<i) == 0 {
			continue
		}
		if load := r.inFlight(d.replicas[i].node); best < 0 || load < bestLoad {
			best, bestLoad = i, load
		}
	}
	return best
}
