package interceptors_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
)

// Optional interfaces a fake statement can be given (fakeDB.stmtCaps).
const (
	stmtCheck   = 1 << iota // driver.NamedValueChecker
	stmtConvert             // driver.ColumnConverter
	stmtLegacy              // no StmtExecContext, no StmtQueryContext
)

// fakeStmt is the core of every fake statement.
type fakeStmt struct {
	db *fakeDB
	q  string
}

func (d *fakeDB) newStmt(q string) driver.Stmt {
	s := &fakeStmt{d, q}
	switch d.stmtCaps {
	case 0:
		return s
	case stmtCheck:
		return struct {
			*fakeStmt
			stmtCheckCap
		}{s, stmtCheckCap{}}
	case stmtConvert:
		return struct {
			*fakeStmt
			convertCap
		}{s, convertCap{}}
	case stmtCheck | stmtConvert:
		return struct {
			*fakeStmt
			stmtCheckCap
			convertCap
		}{s, stmtCheckCap{}, convertCap{}}
	case stmtLegacy:
		return legacyStmt{s}
	}
	panic(fmt.Sprintf("fake: no statement type with caps %b", d.stmtCaps))
}

func (s *fakeStmt) Close() error  { return s.db.do(context.Background(), "stmt.close", s.q, nil) }
func (s *fakeStmt) NumInput() int { return -1 }

func (s *fakeStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *fakeStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *fakeStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := s.db.do(ctx, "stmt.exec", s.q, args); err != nil {
		return nil, err
	}
	return fakeResult{}, nil
}

func (s *fakeStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.db.do(ctx, "stmt.query", s.q, args); err != nil {
		return nil, err
	}
	return s.db.newRows(), nil
}

// stmtArg is an argument type only the fake statement's checker accepts.
type stmtArg string

// stmtCheckCap turns a stmtArg into "stmt:<s>".
type stmtCheckCap struct{}

func (stmtCheckCap) CheckNamedValue(nv *driver.NamedValue) error {
	if s, ok := nv.Value.(stmtArg); ok {
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
type legacyStmt struct{ s *fakeStmt }

func (l legacyStmt) Close() error                                    { return l.s.Close() }
func (l legacyStmt) NumInput() int                                   { return l.s.NumInput() }
func (l legacyStmt) Exec(args []driver.Value) (driver.Result, error) { return l.s.Exec(args) }
func (l legacyStmt) Query(args []driver.Value) (driver.Rows, error)  { return l.s.Query(args) }

// legacyConn has only the methods drivers had before contexts.
type legacyConn struct{ c *fakeConn }

func (l legacyConn) Prepare(q string) (driver.Stmt, error) {
	if err := l.c.db.do(context.Background(), "conn.prepare", q, nil); err != nil {
		return nil, err
	}
	return l.c.db.newStmt(q), nil
}
func (l legacyConn) Close() error              { return l.c.Close() }
func (l legacyConn) Begin() (driver.Tx, error) { return l.c.Begin() }
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

// fakeRows is the core of every fake rows: the result sets of the fake.
type fakeRows struct {
	db       *fakeDB
	sets     []resultSet
	set, pos int
}

// rowsMasks are the mirror.Mask values newRows can build.
var rowsMasks = []int{0, 1, 2, 3, 12, 16, 34, 62, 63}

func (d *fakeDB) newRows() driver.Rows {
	r := &fakeRows{db: d, sets: d.sets}
	var dr driver.Rows
	switch d.rowsMask {
	case 0:
		dr = r
	case 1:
		dr = struct {
			*fakeRows
			nrsCap
		}{r, nrsCap{r}}
	case 2:
		dr = struct {
			*fakeRows
			typeNameCap
		}{r, typeNameCap{r}}
	case 3:
		dr = struct {
			*fakeRows
			nrsCap
			typeNameCap
		}{r, nrsCap{r}, typeNameCap{r}}
	case 12:
		dr = struct {
			*fakeRows
			lengthCap
			nullableCap
		}{r, lengthCap{r}, nullableCap{r}}
	case 16:
		dr = struct {
			*fakeRows
			precisionCap
		}{r, precisionCap{r}}
	case 34:
		dr = struct {
			*fakeRows
			typeNameCap
			scanTypeCap
		}{r, typeNameCap{r}, scanTypeCap{r}}
	case 62:
		dr = struct {
			*fakeRows
			typeNameCap
			lengthCap
			nullableCap
			precisionCap
			scanTypeCap
		}{r, typeNameCap{r}, lengthCap{r}, nullableCap{r}, precisionCap{r}, scanTypeCap{r}}
	case 63:
		dr = struct {
			*fakeRows
			nrsCap
			typeNameCap
			lengthCap
			nullableCap
			precisionCap
			scanTypeCap
		}{r, nrsCap{r}, typeNameCap{r}, lengthCap{r}, nullableCap{r}, precisionCap{r}, scanTypeCap{r}}
	default:
		panic(fmt.Sprintf("fake: no rows type with mask %d", d.rowsMask))
	}
	d.mu.Lock()
	d.rows = append(d.rows, dr)
	d.mu.Unlock()
	return dr
}

func (r *fakeRows) Columns() []string { return r.sets[r.set].cols }
func (r *fakeRows) Close() error      { return r.db.do(context.Background(), "rows.close", "", nil) }

func (r *fakeRows) Next(dest []driver.Value) error {
	if err := r.db.do(context.Background(), "rows.next", "", nil); err != nil {
		return err
	}
	s := r.sets[r.set]
	if r.pos >= len(s.rows) {
		return io.EOF
	}
	copy(dest, s.rows[r.pos])
	r.pos++
	return nil
}

// sample returns column i of the first row of the current set: the column
// types are derived from it.
func (r *fakeRows) sample(i int) driver.Value {
	if s := r.sets[r.set]; len(s.rows) > 0 {
		return s.rows[0][i]
	}
	return nil
}

type nrsCap struct{ r *fakeRows }

func (x nrsCap) HasNextResultSet() bool { return x.r.set+1 < len(x.r.sets) }

func (x nrsCap) NextResultSet() error {
	if !x.HasNextResultSet() {
		return io.EOF
	}
	x.r.set++
	x.r.pos = 0
	return nil
}

type typeNameCap struct{ r *fakeRows }

func (x typeNameCap) ColumnTypeDatabaseTypeName(i int) string {
	switch x.r.sample(i).(type) {
	case int64:
		return "INTEGER"
	case string:
		return "TEXT"
	case bool:
		return "BOOLEAN"
	}
	return ""
}

type lengthCap struct{ r *fakeRows }

func (x lengthCap) ColumnTypeLength(i int) (int64, bool) {
	if _, ok := x.r.sample(i).(string); ok {
		return 255, true
	}
	return 0, false
}

type nullableCap struct{ r *fakeRows }

func (x nullableCap) ColumnTypeNullable(i int) (bool, bool) { return i%2 == 1, true }

type precisionCap struct{ r *fakeRows }

func (x precisionCap) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if _, ok := x.r.sample(i).(int64); ok {
		return 19, 0, true
	}
	return 0, 0, false
}

type scanTypeCap struct{ r *fakeRows }

func (x scanTypeCap) ColumnTypeScanType(i int) reflect.Type { return reflect.TypeOf(x.r.sample(i)) }
