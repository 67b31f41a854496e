package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding/idgen"
)

// idStore is the idgen.Store of a session: sequence counters and snowflake
// node leases live in two tables of the default database, created at first
// use, each change a statement (MySQL: a transaction) of its own on the
// primary, on a connection apart from the session's transaction.
type idStore struct{ s *Session }

var _ idgen.Store = idStore{}

// The tables of the id generators.
const (
	seqTable  = "grant_id_sequences"
	nodeTable = "grant_id_nodes"
	seqDDL    = "CREATE TABLE IF NOT EXISTS " + seqTable + " (name VARCHAR(255) NOT NULL PRIMARY KEY, next_id BIGINT NOT NULL)"
	nodeDDL   = "CREATE TABLE IF NOT EXISTS " + nodeTable + " (name VARCHAR(255) NOT NULL, node INT NOT NULL, " +
		"holder VARCHAR(64) NOT NULL, until_ms BIGINT NOT NULL, PRIMARY KEY (name, node))"
)

// TakeBlock implements idgen.Store.
func (st idStore) TakeBlock(ctx context.Context, name string, n, start int64) (int64, error) {
	var first int64
	err := st.onDefault(ctx, func(pc *registry.Conn) error {
		var err error
		first, err = takeCounter(ctx, st.s.e.d, pc, name, n, start)
		return err
	})
	return first, err
}

// LeaseNode implements idgen.Store.
func (st idStore) LeaseNode(ctx context.Context, r idgen.LeaseRequest) (idgen.Lease, error) {
	if st.s.writesDefault() {
		return idgen.Lease{}, errors.New("grant: on SQLite a snowflake node lease cannot be taken while the transaction holds the default database's write lock: configure the node (sharding.tables." + r.Name + ".id.node)")
	}
	var l idgen.Lease
	err := st.onDefault(ctx, func(pc *registry.Conn) error {
		var err error
		l, err = leaseNode(ctx, st.s.e.d, pc, r)
		return err
	})
	return l, err
}

// onDefault runs fn on a connection of the default database's primary.
func (st idStore) onDefault(ctx context.Context, fn func(pc *registry.Conn) error) error {
	n := st.s.e.reg.Default().Primary
	var pc registry.Conn
	if err := st.s.take(ctx, n, &pc); err != nil {
		return err
	}
	err := fn(&pc)
	st.s.keep(&pc, err)
	return n.Wrap(err)
}

// writesDefault reports whether the session's transaction holds the write
// lock of the default database on SQLite, which admits one writer: ids
// must then be taken in the transaction itself.
func (s *Session) writesDefault() bool {
	t := s.tx
	return s.e.d == dialect.SQLite && t != nil && t.writer != nil && t.writer.db == s.e.reg.Default()
}

// takeInTx takes exactly len(ids) ids of seq in the session's transaction
// (see writesDefault): they commit or roll back with it, so none is kept
// for later statements.
func (s *Session) takeInTx(ctx context.Context, seq *idgen.Sequence, ids []int64) error {
	first, err := takeCounter(ctx, s.e.d, s.tx.writer.pc, seq.Name(), int64(len(ids)), seq.Start())
	if err != nil {
		return err
	}
	for i := range ids {
		ids[i] = first + int64(i)
	}
	return nil
}

// takeCounter advances counter name by n and returns its value before,
// creating the table and the counter (at start) at first use. Two
// processes may create them at once (PostgreSQL's CREATE TABLE IF NOT
// EXISTS can then fail in one of them): it tries again.
func takeCounter(ctx context.Context, d dialect.Dialect, pc *registry.Conn, name string, n, start int64) (int64, error) {
	insert := map[dialect.Dialect]string{
		dialect.Postgres: "INSERT INTO " + seqTable + " (name, next_id) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
		dialect.MySQL:    "INSERT IGNORE INTO " + seqTable + " (name, next_id) VALUES (?, ?)",
		dialect.SQLite:   "INSERT OR IGNORE INTO " + seqTable + " (name, next_id) VALUES (?, ?)",
	}[d]
	var err error
	for try := range 3 {
		var first int64
		var ok bool
		if first, ok, err = advance(ctx, d, pc, name, n); err == nil && ok {
			return first, nil
		}
		if err == nil {
			err = fmt.Errorf("counter %q of %s is missing", name, seqTable)
		}
		if try == 2 || ctx.Err() != nil {
			break
		}
		if _, cerr := execN(ctx, d, pc, seqDDL); cerr != nil {
			continue
		}
		_, _ = execN(ctx, d, pc, insert, name, start)
	}
	return 0, err
}

// advance advances counter name by n in one transaction and returns the
// value before; ok is false when there is no such counter.
func advance(ctx context.Context, d dialect.Dialect, pc *registry.Conn, name string, n int64) (int64, bool, error) {
	if d != dialect.MySQL {
		v, ok, err := queryInt(ctx, d, pc, "UPDATE "+seqTable+" SET next_id = next_id + ? WHERE name = ? RETURNING next_id", n, name)
		return v - n, ok, err
	}
	tx, err := pc.Begin(ctx, driver.TxOptions{})
	if err != nil {
		return 0, false, err
	}
	changed, err := execN(ctx, d, pc, "UPDATE "+seqTable+" SET next_id = next_id + ? WHERE name = ?", n, name)
	var v int64
	var ok bool
	if err == nil && changed == 1 {
		v, ok, err = queryInt(ctx, d, pc, "SELECT next_id FROM "+seqTable+" WHERE name = ?", name)
	}
	if err != nil || !ok {
		if rerr := tx.Rollback(); err == nil {
			err = rerr
		}
		return 0, false, err
	}
	return v - n, true, tx.Commit()
}

// leaseNode renews r.Prev or leases a free node of r.Name (see
// idgen.Store), creating the table at first use (trying again when
// another process creates it at the same time).
func leaseNode(ctx context.Context, d dialect.Dialect, pc *registry.Conn, r idgen.LeaseRequest) (idgen.Lease, error) {
	var err error
	for try := range 3 {
		var l idgen.Lease
		if l, err = tryLease(ctx, d, pc, r); err == nil || errors.Is(err, idgen.ErrNoNode) || try == 2 || ctx.Err() != nil {
			return l, err
		}
		_, _ = execN(ctx, d, pc, nodeDDL)
	}
	return idgen.Lease{}, err
}

func tryLease(ctx context.Context, d dialect.Dialect, pc *registry.Conn, r idgen.LeaseRequest) (idgen.Lease, error) {
	if p := r.Prev; p.Holder == r.Holder && r.Holder != "" {
		until := max(r.Now+r.Duration, p.Until+1)
		n, err := execN(ctx, d, pc, "UPDATE "+nodeTable+" SET until_ms = ? WHERE name = ? AND node = ? AND holder = ?", until, r.Name, p.Node, r.Holder)
		if err != nil {
			return idgen.Lease{}, err
		}
		if n == 1 {
			p.Until = until
			return p, nil
		}
	}
	var lost error
	for range 8 { // another process may take the node we chose
		held, err := leases(ctx, d, pc, r.Name)
		if err != nil {
			return idgen.Lease{}, err
		}
		node, prev, taken := -1, idgen.Lease{}, false
		for i := range idgen.MaxNode + 1 {
			l, ok := held[i]
			if !ok || l.Until+r.Duration < r.Now {
				node, prev, taken = i, l, ok
				break
			}
		}
		if node < 0 {
			return idgen.Lease{}, idgen.ErrNoNode
		}
		l := idgen.Lease{Node: node, Holder: r.Holder}
		if taken {
			l.From = prev.Until + 1
		}
		l.Until = max(r.Now, l.From) + r.Duration
		var n int64
		if taken {
			n, err = execN(ctx, d, pc, "UPDATE "+nodeTable+" SET holder = ?, until_ms = ? WHERE name = ? AND node = ? AND holder = ? AND until_ms = ?",
				r.Holder, l.Until, r.Name, node, prev.Holder, prev.Until)
		} else {
			n, err = execN(ctx, d, pc, "INSERT INTO "+nodeTable+" (name, node, holder, until_ms) VALUES (?, ?, ?, ?)", r.Name, node, r.Holder, l.Until)
			if err != nil && registry.IsServerError(err) {
				lost = err // a unique violation: another process took it
				continue
			}
		}
		if err != nil {
			return idgen.Lease{}, err
		}
		if n == 1 {
			return l, nil
		}
	}
	return idgen.Lease{}, fmt.Errorf("no snowflake node could be leased: every try lost a race with another process (%v)", lost)
}
