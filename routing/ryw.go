package routing

import "github.com/grantsql/grant/routing/routecfg"

// needs applies read-your-writes to a read of d: a non-empty detail when
// the read must go to the primary, else the positions a replica must have
// replayed (nil: none), from the session in scope and from the context's
// token.
func (r *Router) needs(d *dbRoute, in Input) (detail string, req1, req2 *Position) {
	if r.cfg.ReadYourWrites.Mode == routecfg.RYWOff {
		return "", nil, nil
	}
	o := in.Overrides
	sess := o.Session()
	if sess == nil {
		sess = r.shared
		if r.cfg.ReadYourWrites.Scope == routecfg.ScopeConnection && in.Session != nil {
			sess = in.Session
		}
	}
	var now int64
	if t := sess.find(d.db.Name); t != nil {
		if detail, req1 = r.ryw(t.wrote.Load(), t.blind.Load(), t.pos.Load(), &now); detail != "" {
			return detail, nil, nil
		}
	}
	if o != nil {
		if e := o.token.find(d.db.Name); e != nil {
			var p *Position
			if !e.pos.IsZero() {
				p = &e.pos
			}
			if detail, req2 = r.ryw(e.wrote, e.blind, p, &now); detail != "" {
				return detail, nil, nil
			}
		}
	}
	return "", req1, req2
}

// ryw applies one read-your-writes record: it returns a non-empty detail
// when the read must go to the primary, else the position a replica must
// have replayed (nil: none). now is read from the clock at most once.
func (r *Router) ryw(wrote, blind int64, pos *Position, now *int64) (string, *Position) {
	last, detail := wrote, "within read_your_writes.window of a write"
	causal := r.cfg.ReadYourWrites.Mode == routecfg.RYWCausal
	if causal {
		last, detail = blind, "write position unknown: within read_your_writes.window"
	}
	if last != 0 {
		if *now == 0 {
			*now = r.nowNS()
		}
		if *now-last < r.window {
			return detail, nil
		}
	}
	if causal && pos != nil && !pos.IsZero() {
		return "", pos
	}
	return "", nil
}
