package fakedb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"
)

// ConnCaps are the optional interfaces of a fake connection beyond
// driver.Conn, driver.ConnPrepareContext and driver.ConnBeginTx.
type ConnCaps uint16

// The connection capabilities.
const (
	CapExec  ConnCaps = 1 << iota // driver.ExecerContext
	CapQuery                      // driver.QueryerContext
	CapCheck                      // driver.NamedValueChecker
	CapReset                      // driver.SessionResetter
	CapValid                      // driver.Validator
	CapPing                       // driver.Pinger
	CapAll            = 1<<iota - 1

	// CapLegacy selects a connection with only the pre-context methods:
	// Prepare, Begin, driver.Execer and driver.Queryer.
	CapLegacy ConnCaps = 1 << 10
)

// Connector returns a connector of new connections to d.
func (d *DB) Connector() driver.Connector { return &Connector{d} }

// Driver returns a driver whose Open connects to d.
func (d *DB) Driver() driver.Driver { return &fakeDriver{d} }

type fakeDriver struct{ db *DB }

func (d *fakeDriver) Open(string) (driver.Conn, error) { return d.db.open(context.Background()) }

// Connector is a fake connector.
type Connector struct{ db *DB }

// Connect opens a connection to the connector's database.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) { return c.db.open(ctx) }

// Driver returns the fake driver.
func (c *Connector) Driver() driver.Driver { return &fakeDriver{c.db} }

// ClosingConnector returns a connector that also implements io.Closer.
func (d *DB) ClosingConnector() driver.Connector { return closingConnector{&Connector{d}} }

type closingConnector struct{ *Connector }

var _ io.Closer = closingConnector{}

func (c closingConnector) Close() error {
	return c.db.do(context.Background(), "connector.close", "", 0, nil)
}

// open makes a connection with exactly the optional interfaces of ConnCaps.
func (d *DB) open(ctx context.Context) (driver.Conn, error) {
	d.mu.Lock()
	d.nconn++
	id := d.nconn
	d.mu.Unlock()
	if err := d.do(ctx, "connect", "", id, nil); err != nil {
		return nil, err
	}
	c := &conn{db: d, id: id}
	var dc driver.Conn
	switch d.ConnCaps {
	case CapAll:
		dc = struct {
			*conn
			execCap
			queryCap
			checkCap
			resetCap
			validCap
			pingCap
		}{c, execCap{c}, queryCap{c}, checkCap{}, resetCap{c}, validCap{c}, pingCap{c}}
	case CapAll &^ CapExec:
		dc = struct {
			*conn
			queryCap
			checkCap
			resetCap
			validCap
			pingCap
		}{c, queryCap{c}, checkCap{}, resetCap{c}, validCap{c}, pingCap{c}}
	case CapAll &^ CapCheck:
		dc = struct {
			*conn
			execCap
			queryCap
			resetCap
			validCap
			pingCap
		}{c, execCap{c}, queryCap{c}, resetCap{c}, validCap{c}, pingCap{c}}
	case CapExec | CapQuery | CapCheck:
		dc = struct {
			*conn
			execCap
			queryCap
			checkCap
		}{c, execCap{c}, queryCap{c}, checkCap{}}
	case CapExec | CapQuery:
		dc = struct {
			*conn
			execCap
			queryCap
		}{c, execCap{c}, queryCap{c}}
	case 0:
		dc = c
	case CapLegacy:
		dc = legacyConn{c}
	default:
		panic(fmt.Sprintf("fakedb: no connection type with caps %b", d.ConnCaps))
	}
	d.mu.Lock()
	d.conns = append(d.conns, dc)
	d.mu.Unlock()
	return dc, nil
}

// conn is the core every fake connection has: driver.Conn,
// driver.ConnPrepareContext and driver.ConnBeginTx. Its open transaction,
// if any, collects the writes that commit with it.
type conn struct {
	db *DB
	id int
	tx *tx
}

func (c *conn) do(ctx context.Context, op, q string, args []driver.NamedValue) error {
	return c.db.do(ctx, op, q, c.id, args)
}

func (c *conn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

func (c *conn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if err := c.do(ctx, "conn.prepare", q, nil); err != nil {
		return nil, err
	}
	return c.newStmt(q), nil
}

func (c *conn) Close() error { return c.do(context.Background(), "conn.close", "", nil) }

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, _ driver.TxOptions) (driver.Tx, error) {
	if err := c.do(ctx, "begin", "", nil); err != nil {
		return nil, err
	}
	c.tx = &tx{c: c}
	return c.tx, nil
}

// wrote applies a write: to the open transaction, else committed at once.
// Savepoint statements move the transaction's marks instead.
func (c *conn) wrote(q string) {
	if c.tx != nil {
		c.tx.apply(q)
		return
	}
	if !isSavepoint(q) {
		c.db.commit([]string{q})
	}
}

func (c *conn) exec(ctx context.Context, op, q string, args []driver.NamedValue) (driver.Result, error) {
	if err := c.do(ctx, op, q, args); err != nil {
		return nil, err
	}
	if c.db.twoPhase(c, q) {
		return result{0}, nil
	}
	c.wrote(q)
	n := int64(1)
	if c.db.Affected != nil {
		n = c.db.Affected(q, args)
	}
	return result{n}, nil
}

func (c *conn) query(ctx context.Context, op, q string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.do(ctx, op, q, args); err != nil {
		return nil, err
	}
	if isWrite(q) {
		c.wrote(q)
	}
	results := DefaultResults
	if c.db.Results != nil {
		results = c.db.Results
	}
	if sets, ok := c.db.twoPhaseQuery(q); ok {
		return c.db.newRows(sets), nil
	}
	return c.db.newRows(results(q, args)), nil
}

// isWrite reports whether a query writes (INSERT .. RETURNING and the like).
func isWrite(q string) bool {
	f := strings.ToUpper(strings.TrimSpace(q))
	return strings.HasPrefix(f, "INSERT") || strings.HasPrefix(f, "UPDATE") || strings.HasPrefix(f, "DELETE")
}

func isSavepoint(q string) bool {
	f := strings.ToUpper(strings.TrimSpace(q))
	return strings.HasPrefix(f, "SAVEPOINT") || strings.HasPrefix(f, "RELEASE") || strings.HasPrefix(f, "ROLLBACK TO")
}

type execCap struct{ c *conn }

func (x execCap) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return x.c.exec(ctx, "conn.exec", q, args)
}

type queryCap struct{ c *conn }

func (x queryCap) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return x.c.query(ctx, "conn.query", q, args)
}

// ConnArg is an argument type only the fake connection's checker accepts:
// it becomes the string "conn:<s>".
type ConnArg string

// checkCap accepts []int64 unchanged and turns a ConnArg into "conn:<s>".
type checkCap struct{}

func (checkCap) CheckNamedValue(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case []int64:
		return nil
	case ConnArg:
		nv.Value = "conn:" + string(v)
		return nil
	}
	return driver.ErrSkip
}

type resetCap struct{ c *conn }

func (x resetCap) ResetSession(ctx context.Context) error { return x.c.do(ctx, "reset", "", nil) }

type validCap struct{ c *conn }

func (x validCap) IsValid() bool {
	x.c.db.mu.Lock()
	defer x.c.db.mu.Unlock()
	return x.c.db.Valid
}

type pingCap struct{ c *conn }

func (x pingCap) Ping(ctx context.Context) error { return x.c.do(ctx, "ping", "", nil) }

// legacyConn has only the methods drivers had before contexts.
type legacyConn struct{ c *conn }

func (l legacyConn) Prepare(q string) (driver.Stmt, error) { return l.c.Prepare(q) }
func (l legacyConn) Close() error                          { return l.c.Close() }
func (l legacyConn) Begin() (driver.Tx, error)             { return l.c.Begin() }
func (l legacyConn) Exec(q string, args []driver.Value) (driver.Result, error) {
	return l.c.exec(context.Background(), "conn.exec", q, named(args))
}
func (l legacyConn) Query(q string, args []driver.Value) (driver.Rows, error) {
	return l.c.query(context.Background(), "conn.query", q, named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

type result struct{ n int64 }

func (result) LastInsertId() (int64, error)   { return 7, nil }
func (r result) RowsAffected() (int64, error) { return r.n, nil }
