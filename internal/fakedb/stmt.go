package fakedb

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// StmtCaps are the optional interfaces of a fake statement.
type StmtCaps uint8

// The statement capabilities. Every statement but a legacy one has
// driver.StmtExecContext and driver.StmtQueryContext.
const (
	StmtCheck   StmtCaps = 1 << iota // driver.NamedValueChecker
	StmtConvert                      // driver.ColumnConverter
	StmtLegacy                       // no StmtExecContext, no StmtQueryContext
)

// stmt is the core of every fake statement.
type stmt struct {
	c *conn
	q string
}

func (c *conn) newStmt(q string) driver.Stmt {
	s := &stmt{c, q}
	switch c.db.StmtCaps {
	case 0:
		return s
	case StmtCheck:
		return struct {
			*stmt
			stmtCheckCap
		}{s, stmtCheckCap{}}
	case StmtConvert:
		return struct {
			*stmt
			convertCap
		}{s, convertCap{}}
	case StmtCheck | StmtConvert:
		return struct {
			*stmt
			stmtCheckCap
			convertCap
		}{s, stmtCheckCap{}, convertCap{}}
	case StmtLegacy:
		return legacyStmt{s}
	}
	panic(fmt.Sprintf("fakedb: no statement type with caps %b", c.db.StmtCaps))
}

func (s *stmt) Close() error  { return s.c.do(context.Background(), "stmt.close", s.q, nil) }
func (s *stmt) NumInput() int { return -1 }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.exec(ctx, "stmt.exec", s.q, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.query(ctx, "stmt.query", s.q, args)
}

// StmtArg is an argument type only the fake statement's checker accepts:
// it becomes the string "stmt:<s>".
type StmtArg string

type stmtCheckCap struct{}

func (stmtCheckCap) CheckNamedValue(nv *driver.NamedValue) error {
	if s, ok := nv.Value.(StmtArg); ok {
		nv.Value = "stmt:" + string(s)
		return nil
	}
	return driver.ErrSkip
}

// convertCap converts every argument to the string "cc:<value>".
type convertCap struct{}

func (convertCap) ColumnConverter(int) driver.ValueConverter { return prefixConverter{} }

type prefixConverter struct{}

func (prefixConverter) ConvertValue(v any) (driver.Value, error) { return fmt.Sprintf("cc:%v", v), nil }

// legacyStmt has only the methods statements had before contexts.
type legacyStmt struct{ s *stmt }

func (l legacyStmt) Close() error                                    { return l.s.Close() }
func (l legacyStmt) NumInput() int                                   { return l.s.NumInput() }
func (l legacyStmt) Exec(args []driver.Value) (driver.Result, error) { return l.s.Exec(args) }
func (l legacyStmt) Query(args []driver.Value) (driver.Rows, error)  { return l.s.Query(args) }
