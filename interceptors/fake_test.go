package interceptors_test

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

// Optional interfaces a fake connection can be given (fakeDB.connCaps).
const (
	capExec  = 1 << iota // driver.ExecerContext
	capQuery             // driver.QueryerContext
	capCheck             // driver.NamedValueChecker
	capReset             // driver.SessionResetter
	capValid             // driver.Validator
	capPing              // driver.Pinger
	capAll   = 1<<iota - 1

	// capLegacy selects a connection with only the pre-context methods:
	// Prepare, Begin, driver.Execer and driver.Queryer.
	capLegacy = 1 << 10
)

// fakeError is the error type the fake returns; tests find it with errors.As.
type fakeError struct {
	Op   string
	Code int
}

func (e *fakeError) Error() string { return fmt.Sprintf("fake %s failed (code %d)", e.Op, e.Code) }

// ctxKey carries a value the fake records when it reaches the base.
type ctxKey struct{}

// resultSet is one result set the fake rows return.
type resultSet struct {
	cols []string
	rows [][]driver.Value
}

// fakeDB is the shared state of one fake database: what its connections,
// statements and rows look like, and a log of every call that reached it.
type fakeDB struct {
	connCaps int // cap* bits of each connection
	stmtCaps int // stmt* bits of each statement
	rowsMask int // mirror.Mask bits of each rows
	sets     []resultSet
	valid    bool                         // what Validator.IsValid answers
	errFor   func(op, query string) error // called under the lock for each call
	started  chan struct{}                // signalled when a "block" statement waits
	drv      *fakeDriver

	mu     sync.Mutex
	log    []string
	args   []driver.NamedValue
	ctxVal any
	conns  []driver.Conn
	rows   []driver.Rows
}

func newFakeDB(connCaps int) *fakeDB {
	d := &fakeDB{
		connCaps: connCaps,
		rowsMask: 63,
		valid:    true,
		started:  make(chan struct{}, 1),
		sets: []resultSet{
			{cols: []string{"id", "name"}, rows: [][]driver.Value{{int64(1), "a"}, {int64(2), "b"}}},
			{cols: []string{"flag"}, rows: [][]driver.Value{{true}}},
		},
	}
	d.drv = &fakeDriver{d}
	return d
}

func (d *fakeDB) connector() *fakeConnector { return &fakeConnector{d} }

// do records one call and answers its error: for an exec or query of the
// statement "block", ctx.Err() once ctx is done; else errFor's.
func (d *fakeDB) do(ctx context.Context, op, query string, args []driver.NamedValue) error {
	d.mu.Lock()
	d.log = append(d.log, strings.TrimSpace(op+" "+query))
	if args != nil {
		d.args = slices.Clone(args)
	}
	if v := ctx.Value(ctxKey{}); v != nil {
		d.ctxVal = v
	}
	var err error
	if d.errFor != nil {
		err = d.errFor(op, query)
	}
	d.mu.Unlock()
	if query == "block" && (strings.HasSuffix(op, ".exec") || strings.HasSuffix(op, ".query")) {
		d.started <- struct{}{}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Second):
			return errors.New("fake: blocking call never saw its context cancelled")
		}
	}
	return err
}

func (d *fakeDB) record(ev string) { _ = d.do(context.Background(), ev, "", nil) }

// take returns the log and empties it.
func (d *fakeDB) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	l := d.log
	d.log = nil
	return l
}

// count returns how many logged calls are op (with any statement).
func (d *fakeDB) count(op string) int {
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

func (d *fakeDB) lastArgs() []driver.NamedValue {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.args
}

func (d *fakeDB) conn(i int) driver.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conns[i]
}

func (d *fakeDB) lastRows() driver.Rows {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rows[len(d.rows)-1]
}

// open makes a connection with exactly the optional interfaces of connCaps.
func (d *fakeDB) open(ctx context.Context) (driver.Conn, error) {
	if err := d.do(ctx, "connect", "", nil); err != nil {
		return nil, err
	}
	c := &fakeConn{d}
	var dc driver.Conn
	switch d.connCaps {
	case capAll:
		dc = struct {
			*fakeConn
			execCap
			queryCap
			checkCap
			resetCap
			validCap
			pingCap
		}{c, execCap{c}, queryCap{c}, checkCap{}, resetCap{c}, validCap{c}, pingCap{c}}
	case capAll &^ capExec:
		dc = struct {
			*fakeConn
			queryCap
			checkCap
			resetCap
			validCap
			pingCap
		}{c, queryCap{c}, checkCap{}, resetCap{c}, validCap{c}, pingCap{c}}
	case capAll &^ capCheck:
		dc = struct {
			*fakeConn
			execCap
			queryCap
			resetCap
			validCap
			pingCap
		}{c, execCap{c}, queryCap{c}, resetCap{c}, validCap{c}, pingCap{c}}
	case capExec | capQuery | capCheck:
		dc = struct {
			*fakeConn
			execCap
			queryCap
			checkCap
		}{c, execCap{c}, queryCap{c}, checkCap{}}
	case capExec | capQuery:
		dc = struct {
			*fakeConn
			execCap
			queryCap
		}{c, execCap{c}, queryCap{c}}
	case 0:
		dc = c
	case capLegacy:
		dc = legacyConn{c}
	default:
		panic(fmt.Sprintf("fake: no connection type with caps %b", d.connCaps))
	}
	d.mu.Lock()
	d.conns = append(d.conns, dc)
	d.mu.Unlock()
	return dc, nil
}

type fakeDriver struct{ db *fakeDB }

func (d *fakeDriver) Open(string) (driver.Conn, error) { return d.db.open(context.Background()) }

type fakeConnector struct{ db *fakeDB }

func (c *fakeConnector) Connect(ctx context.Context) (driver.Conn, error) { return c.db.open(ctx) }
func (c *fakeConnector) Driver() driver.Driver                            { return c.db.drv }

// closingConnector is a fake connector that implements io.Closer.
type closingConnector struct{ *fakeConnector }

func (c closingConnector) Close() error { c.db.record("connector.close"); return nil }

// fakeConn is the core every fake connection has: driver.Conn,
// driver.ConnPrepareContext and driver.ConnBeginTx.
type fakeConn struct{ db *fakeDB }

func (c *fakeConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

func (c *fakeConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if err := c.db.do(ctx, "conn.prepare", q, nil); err != nil {
		return nil, err
	}
	return c.db.newStmt(q), nil
}

func (c *fakeConn) Close() error { c.db.record("conn.close"); return nil }

func (c *fakeConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *fakeConn) BeginTx(ctx context.Context, _ driver.TxOptions) (driver.Tx, error) {
	if err := c.db.do(ctx, "begin", "", nil); err != nil {
		return nil, err
	}
	return fakeTx{c.db}, nil
}

func (c *fakeConn) exec(ctx context.Context, op, q string, args []driver.NamedValue) (driver.Result, error) {
	if err := c.db.do(ctx, op, q, args); err != nil {
		return nil, err
	}
	return fakeResult{}, nil
}

func (c *fakeConn) query(ctx context.Context, op, q string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.db.do(ctx, op, q, args); err != nil {
		return nil, err
	}
	return c.db.newRows(), nil
}

type execCap struct{ c *fakeConn }

func (x execCap) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return x.c.exec(ctx, "conn.exec", q, args)
}

type queryCap struct{ c *fakeConn }

func (x queryCap) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return x.c.query(ctx, "conn.query", q, args)
}

// connArg is an argument type only the fake connection's checker accepts.
type connArg string

// checkCap accepts []int64 unchanged and turns a connArg into "conn:<s>".
type checkCap struct{}

func (checkCap) CheckNamedValue(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case []int64:
		return nil
	case connArg:
		nv.Value = "conn:" + string(v)
		return nil
	}
	return driver.ErrSkip
}

type resetCap struct{ c *fakeConn }

func (x resetCap) ResetSession(ctx context.Context) error { return x.c.db.do(ctx, "reset", "", nil) }

type validCap struct{ c *fakeConn }

func (x validCap) IsValid() bool {
	x.c.db.mu.Lock()
	defer x.c.db.mu.Unlock()
	return x.c.db.valid
}

type pingCap struct{ c *fakeConn }

func (x pingCap) Ping(ctx context.Context) error { return x.c.db.do(ctx, "ping", "", nil) }

type fakeTx struct{ db *fakeDB }

func (t fakeTx) Commit() error   { return t.db.do(context.Background(), "commit", "", nil) }
func (t fakeTx) Rollback() error { return t.db.do(context.Background(), "rollback", "", nil) }

type fakeResult struct{}

func (fakeResult) LastInsertId() (int64, error) { return 7, nil }
func (fakeResult) RowsAffected() (int64, error) { return 1, nil }
