package planner

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/internal/analyze"
)

// pinned plans a statement the caller pinned to one database. It runs there
// unchanged, except that an INSERT whose rows' keys resolve elsewhere is
// refused: the rows would live on a shard where no read would find them.
func (p *Planner) pinned(ctx context.Context, st *analyze.Statement, args []driver.NamedValue, shard string) (*sharding.Plan, error) {
	db, ok := p.dbIndex[shard]
	if !ok {
		return nil, fmt.Errorf("sharding: pinned shard %q is not a database of the cluster", shard)
	}
	if st.Full && st.Insert != nil && st.Insert.Select == nil {
		if t := p.lookup(&st.Insert.Table); t != nil && !t.broadcast {
			s := &planState{valuer: valuer{ctx: ctx, p: p, args: args}, st: st}
			if err := s.pinnedRows(t, db); err != nil {
				return nil, err
			}
		}
	}
	pl := p.single(st, args, shard)
	pl.Route, pl.Reason = sharding.RoutePinned, "shard pinned by the caller"
	return pl, nil
}

// pinnedRows refuses INSERT rows whose key resolves to another database
// than the pinned one. Rows whose key cannot be read are let through.
func (s *planState) pinnedRows(t *table, db int) error {
	key := s.insertKeyExprs(t)
	for i, e := range key {
		j, state, err := s.exprKey(t, e)
		if err == nil && state == valueOK && j >= 0 && j != db {
			return &sharding.RefusedError{Statement: s.st.SQL, Table: t.label(), Reason: fmt.Sprintf(
				"row %d has %s -> %s, but the statement is pinned to %s", i+1, t.key, s.p.dbs[j], s.p.dbs[db])}
		}
	}
	return nil
}

// indexByNameReason is the refusal of a statement on an index named
// without its table (indexByName).
const indexByNameReason = "it names an index without its table, so which databases hold the index is unknown: " +
	"run it on each database that has it, with grant.UseShard (grant.UseDatabase for an unsharded table's index)"

// ddl plans DDL of sharded or broadcast tables: it runs on every database
// holding them, so migrations through Grant keep every shard's schema alike.
func (s *planState) ddl() *sharding.Plan {
	var set dbSet
	var first *table
	for i := range s.st.Tables {
		ref := &s.st.Tables[i]
		t := s.p.lookup(ref)
		if t == nil {
			s.refuse(s.firstTable(), "the DDL also names "+ref.Name+", which is neither sharded nor broadcast: run the two separately", nil)
			return nil
		}
		if first == nil {
			first = t
		}
		set.or(t.dbs)
	}
	if t := s.p.scanTable(s.st); t != nil {
		if first == nil {
			first = t
		}
		set.or(t.dbs)
	}
	if first == nil {
		s.refuse(nil, indexByNameReason, nil)
		return nil
	}
	if s.st.Pins {
		s.refuse(first, "a temporary table named like a sharded or broadcast table is not planned", nil)
		return nil
	}
	pl := s.copies(set)
	pl.Route, pl.Table = sharding.RouteDDLAll, first.label()
	if first.broadcast {
		pl.Reason = "DDL of broadcast table " + first.label() + ": every database"
	} else {
		pl.Reason = "DDL of sharded table " + first.label() + ": every database of " + first.resolverName
	}
	pl.Writes = true
	return pl
}

// otherKind plans statements other than DML and DDL: SHOW and DESCRIBE
// (which never write) and PRAGMA reports go to one database holding the
// table; the rest is refused.
func (s *planState) otherKind() *sharding.Plan {
	t := s.firstTable()
	if t == nil {
		s.refuse(nil, indexByNameReason, nil)
		return nil
	}
	if s.st.Kind == analyze.KindShow || (s.st.Read && s.st.Kind == analyze.KindPragma) {
		db := t.dbs.next(0)
		if t.broadcast {
			db = s.p.dbIndex[s.p.defaultDB]
		}
		pl := s.p.single(s.st, s.args, s.p.dbs[db])
		pl.Route, pl.Table = sharding.RouteSingle, t.label()
		pl.Reason = "schema read of " + t.label() + ": one database answers"
		return pl
	}
	s.refuse(t, s.st.Kind.String()+" statements on sharded or broadcast tables are not planned: pin a shard to run one on one database", nil)
	return nil
}

// broadcastRead plans a statement that reads broadcast tables and no
// sharded one: the default database holds every broadcast table and every
// unsharded one, so the statement runs there.
func (s *planState) broadcastRead() *sharding.Plan {
	pl := s.p.single(s.st, s.args, s.p.defaultDB)
	pl.Table = s.broadcast.label()
	if pl.Writes {
		pl.Route, pl.Reason = sharding.RouteUnsharded, "writes an unsharded table; broadcast tables read on the default database"
	} else {
		pl.Route, pl.Reason = sharding.RouteBroadcastRead, "no sharded table: broadcast tables are read on the default database"
	}
	return pl
}

// broadcastWrite plans a write of a broadcast table: every database, the
// statement unchanged. It may read broadcast tables only, since every other
// table differs between databases.
func (s *planState) broadcastWrite() *sharding.Plan {
	t := s.insts[s.target].t
	for i := range s.insts {
		in := &s.insts[i]
		switch {
		case in.t == nil:
			s.refuse(t, "a write of a broadcast table reads unsharded table "+in.ref.Name+", which only the default database holds", nil)
			return nil
		case !in.t.broadcast:
			s.refuse(t, "a write of a broadcast table reads sharded table "+in.t.label(), nil)
			return nil
		}
	}
	pl := s.copies(s.p.all)
	pl.Route, pl.Table, pl.Writes = sharding.RouteBroadcastWrite, t.label(), true
	pl.Reason = "write of broadcast table " + t.label() + ": every database"
	return pl
}

// copies returns a plan running the statement unchanged on every database
// of set, the caller getting the result of the default database (or of the
// first).
func (s *planState) copies(set dbSet) *sharding.Plan {
	pl := &sharding.Plan{Statement: s.st.SQL}
	from := ""
	for i := set.next(0); i >= 0; i = set.next(i + 1) {
		db := s.p.dbs[i]
		pl.Shards = append(pl.Shards, sharding.ShardQuery{Database: db, SQL: s.st.SQL, Args: s.args})
		if db == s.p.defaultDB || from == "" {
			from = db
		}
	}
	pl.ResultFrom = from
	return pl
}
