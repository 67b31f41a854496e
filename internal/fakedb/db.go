// Package fakedb is a database/sql/driver implementation for tests: an
// in-memory database whose connections, statements and rows have exactly
// the optional interfaces a test asks for, which logs every call that
// reaches it, remembers which writes committed, and fails or hangs where a
// test says (a connection that cannot be made, an error on the n-th
// statement, a commit that fails, a statement that blocks until its context
// ends). Grant's interceptors, registry and executor are tested over it.
//
// A DB is one database server. Its writes are the statements executed on
// it: outside a transaction they commit at once; inside one they commit
// with it and vanish on rollback (savepoints included). Queries return the
// result sets Results gives for their text.
package fakedb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Error is the error type the fake returns for a failure a test injects
// without its own error; tests find it with errors.As.
type Error struct {
	Op   string
	Code int
}

func (e *Error) Error() string { return fmt.Sprintf("fake %s failed (code %d)", e.Op, e.Code) }

// Event is one call that reached the fake: Op is its kind ("connect",
// "conn.prepare", "conn.exec", "conn.query", "stmt.exec", "stmt.query",
// "stmt.close", "rows.next", "rows.close", "begin", "commit", "rollback",
// "reset", "ping", "conn.close", "connector.close"), Query the statement
// text where there is one, Conn the number of the connection (from 1; 0
// for the connector), and N how many events of that Op the database has
// seen, this one included.
type Event struct {
	Op    string
	Query string
	Conn  int
	N     int
}

// ResultSet is one result set of a query.
type ResultSet struct {
	Cols []string
	Rows [][]driver.Value
}

// DB is one fake database. Set its fields before the first connection;
// the methods are safe for concurrent use.
type DB struct {
	Name     string
	ConnCaps ConnCaps
	StmtCaps StmtCaps
	RowsCaps RowsCaps
	// Results returns the result sets of a query; nil: DefaultResults.
	Results func(query string, args []driver.NamedValue) []ResultSet
	// Affected returns the rows affected by an exec; nil: 1.
	Affected func(query string, args []driver.NamedValue) int64
	// Valid is what Validator.IsValid answers (when ConnCaps has it).
	Valid bool
	// Started receives a value each time a statement starts to hang.
	Started chan struct{}

	mu        sync.Mutex
	fail      []fault
	log       []string
	counts    map[string]int
	args      []driver.NamedValue
	ctxVal    any
	conns     []driver.Conn
	rows      []driver.Rows
	committed []string
	prepared  map[string][]string // PREPARE TRANSACTION gid -> its writes
	nconn     int
}

// New returns a database whose connections have caps and whose
// statements and rows have every optional interface.
func New(name string, caps ConnCaps) *DB {
	return &DB{Name: name, ConnCaps: caps, RowsCaps: RowsAll, Valid: true, Started: make(chan struct{}, 16)}
}

// DefaultResults are the result sets of every query unless Results says
// otherwise: two rows of (id, name), then one row of (flag).
func DefaultResults(string, []driver.NamedValue) []ResultSet {
	return []ResultSet{
		{Cols: []string{"id", "name"}, Rows: [][]driver.Value{{int64(1), "a"}, {int64(2), "b"}}},
		{Cols: []string{"flag"}, Rows: [][]driver.Value{{true}}},
	}
}

// CtxKey is a context key whose value the fake records when a call carrying
// it arrives (CtxValue).
type CtxKey struct{}

// fault is one injected failure: the events it matches and what it does.
type fault struct {
	op, query string // "" matches any
	conn      int    // 0 matches any
	n         int    // the n-th matching event; 0 every one
	seen      int
	err       error
	hang      bool
}

// FailOn makes the n-th event of op on query fail with err (nil: an
// *Error); an empty query matches every statement, n 0 every event.
func (d *DB) FailOn(op, query string, n int, err error) {
	d.addFault(fault{op: op, query: query, n: n, err: err})
}

// FailConnect makes every new connection fail with err (nil: an *Error).
func (d *DB) FailConnect(err error) { d.FailOn("connect", "", 0, err) }

// Hang makes every exec and query of query block until its context ends
// (and then fail with the context's error).
func (d *DB) Hang(query string) { d.addFault(fault{query: query, hang: true}) }

// ClearFaults removes every injected failure.
func (d *DB) ClearFaults() {
	d.mu.Lock()
	d.fail = nil
	d.mu.Unlock()
}

// FailWith calls fn for every event: a non-nil error fails the event.
// It replaces nothing: faults added before still apply.
func (d *DB) FailWith(fn func(Event) error) { d.addFault(fault{err: errFunc(fn)}) }

type errFunc func(Event) error

func (errFunc) Error() string { return "fakedb: FailWith" }

func (d *DB) addFault(f fault) {
	d.mu.Lock()
	d.fail = append(d.fail, f)
	d.mu.Unlock()
}

// do records one call and returns its injected failure, if any. A hang
// waits for ctx (at most 30 s).
func (d *DB) do(ctx context.Context, op, query string, conn int, args []driver.NamedValue) error {
	d.mu.Lock()
	if d.counts == nil {
		d.counts = map[string]int{}
	}
	d.counts[op]++
	ev := Event{Op: op, Query: query, Conn: conn, N: d.counts[op]}
	d.log = append(d.log, strings.TrimSpace(op+" "+query))
	if args != nil {
		d.args = slices.Clone(args)
	}
	if v := ctx.Value(CtxKey{}); v != nil {
		d.ctxVal = v
	}
	err, hang := d.injected(ev)
	d.mu.Unlock()
	if hang {
		d.Started <- struct{}{}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Second):
			return errors.New("fakedb: a hanging call never saw its context end")
		}
	}
	return err
}

// injected returns the failure the faults give ev; d.mu is held.
func (d *DB) injected(ev Event) (error, bool) {
	for i := range d.fail {
		f := &d.fail[i]
		if fn, ok := f.err.(errFunc); ok {
			if err := fn(ev); err != nil {
				return err, false
			}
			continue
		}
		statement := strings.HasSuffix(ev.Op, ".exec") || strings.HasSuffix(ev.Op, ".query")
		if f.hang {
			if statement && ev.Query == f.query {
				return nil, true
			}
			continue
		}
		if (f.op != "" && f.op != ev.Op) || (f.query != "" && f.query != ev.Query) || (f.conn != 0 && f.conn != ev.Conn) {
			continue
		}
		f.seen++
		if f.n == 0 || f.seen == f.n {
			if f.err == nil {
				return &Error{Op: ev.Op, Code: f.seen}, false
			}
			return f.err, false
		}
	}
	return nil, false
}

// Take returns the log of calls and empties it.
func (d *DB) Take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	l := d.log
	d.log = nil
	return l
}

// Count returns how many logged calls are op (with any statement).
func (d *DB) Count(op string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, ev := range d.log {
		if ev == op || strings.HasPrefix(ev, op+" ") {
			n++
		}
	}
	return n
}

// LastArgs returns the arguments of the last call that had some.
func (d *DB) LastArgs() []driver.NamedValue {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.args
}

// CtxValue returns the last CtxKey value a call carried.
func (d *DB) CtxValue() any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ctxVal
}

// Conn returns the i-th connection opened (from 0).
func (d *DB) Conn(i int) driver.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conns[i]
}

// Conns returns how many connections were opened.
func (d *DB) Conns() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nconn
}

// LastRows returns the rows of the last query.
func (d *DB) LastRows() driver.Rows {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rows[len(d.rows)-1]
}

// Committed returns the statements whose effects committed, in order.
func (d *DB) Committed() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.committed)
}

func (d *DB) commit(stmts []string) {
	d.mu.Lock()
	d.committed = append(d.committed, stmts...)
	d.mu.Unlock()
}
