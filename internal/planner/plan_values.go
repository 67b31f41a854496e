package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

// valueState says what a key value is.
type valueState uint8

const (
	valueOK      valueState = iota // a value to resolve
	valueNull                      // NULL: matches nothing, holds no row
	valueUnknown                   // DEFAULT, or not a literal or placeholder
)

// valuer reads key values from literals and the caller's arguments.
type valuer struct {
	ctx  context.Context // of the statement, for the resolvers
	p    *Planner
	args []driver.NamedValue
	// batched holds the key expressions met by resolveBatch: the database
	// index of each (-1: none holds it), or single when it is left to
	// the single-key path.
	batched map[*analyze.Expr]batchedKey
}

// batchedKey is the outcome of resolveBatch for one key expression.
type batchedKey struct {
	db     int
	single bool
}

// keyValue returns the Go value of a literal or placeholder expression.
func (s *valuer) keyValue(e *analyze.Expr) (any, valueState, error) {
	v := e.Value
	if v == nil {
		return nil, valueUnknown, nil
	}
	switch v.Kind {
	case analyze.ValueNull:
		return nil, valueNull, nil
	case analyze.ValueDefault:
		return nil, valueUnknown, nil
	case analyze.ValueString:
		if integerCast(v.Cast) {
			if n, err := strconv.ParseInt(strings.TrimSpace(v.Text), 10, 64); err == nil {
				return n, valueOK, nil // '06'::bigint is 6
			}
		}
		return v.Text, valueOK, nil
	case analyze.ValueBool:
		return v.Text == "true", valueOK, nil
	case analyze.ValueNumber:
		return s.number(v.Text)
	case analyze.ValuePlaceholder:
		a, ok := argFor(s.args, v)
		if !ok {
			return nil, valueUnknown, errors.New("no argument for placeholder " + placeholderLabel(v))
		}
		if a == nil {
			return nil, valueNull, nil
		}
		return a, valueOK, nil
	}
	return nil, valueUnknown, nil
}

// number converts a numeric literal as the database reads it: decimal
// digits are an integer (never octal), a fraction or exponent a float, and
// 0x.. an integer on PostgreSQL and SQLite (on MySQL it is a byte string,
// which no resolver takes as a number).
func (s *valuer) number(text string) (any, valueState, error) {
	digits := strings.TrimLeft(text, "+-")
	neg := strings.HasPrefix(text, "-")
	if len(digits) > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') {
		if s.p.d == dialect.MySQL {
			return nil, valueUnknown, errors.New("a MySQL hexadecimal literal is a byte string, not a key")
		}
		u, err := strconv.ParseUint(digits[2:], 16, 64)
		if err != nil || (neg && u > math.MaxInt64) {
			return nil, valueUnknown, errors.New("hexadecimal literal " + text + " out of range")
		}
		if neg {
			return -int64(u), valueOK, nil
		}
		return u, valueOK, nil
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, valueOK, nil
	}
	if u, err := strconv.ParseUint(digits, 10, 64); err == nil && !neg {
		return u, valueOK, nil
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return f, valueOK, nil
	}
	return nil, valueUnknown, errors.New("numeric literal " + text + " is not understood")
}

// argFor returns the argument a placeholder stands for: by name for a named
// placeholder, else by ordinal.
func argFor(args []driver.NamedValue, v *analyze.Value) (any, bool) {
	if v.Name != "" {
		for i := range args {
			if args[i].Name == v.Name {
				return args[i].Value, true
			}
		}
	}
	if o := v.Ordinal; o > 0 {
		if o <= len(args) && args[o-1].Ordinal == o {
			return args[o-1].Value, true
		}
		for i := range args {
			if args[i].Ordinal == o && args[i].Name == "" {
				return args[i].Value, true
			}
		}
	}
	return nil, false
}

func placeholderLabel(v *analyze.Value) string {
	if v.Name != "" {
		return ":" + v.Name
	}
	return "#" + strconv.Itoa(v.Ordinal)
}

// resolveValue resolves one key value of t to a database index: -1 with no
// error when no database can hold it (NULL, outside every range).
func (s *valuer) resolveValue(t *table, v any) (int, error) {
	db, err := t.resolver.Resolve(s.ctx, sharding.KeyOf(v))
	if err != nil {
		if errors.Is(err, sharding.ErrNullKey) || errors.Is(err, sharding.ErrNoShard) {
			return -1, nil
		}
		return -1, err
	}
	i, ok := s.p.dbIndex[db]
	if !ok {
		return -1, errors.New("resolver returned unknown database " + strconv.Quote(db))
	}
	return i, nil
}

// exprKey resolves a key expression of t: the database index, or -1 when
// no database can hold it; state says whether the expression was a value.
func (s *valuer) exprKey(t *table, e *analyze.Expr) (int, valueState, error) {
	v, state, err := s.keyValue(e)
	if err != nil || state != valueOK {
		return -1, state, err
	}
	i, err := s.resolveValue(t, v)
	return i, valueOK, err
}

// exprKey is valuer.exprKey on the general path: the key of a table whose
// resolver is a sharding.BatchResolver is resolved together with the other
// values of its IN list or the other rows of its INSERT, in one call.
func (s *planState) exprKey(t *table, e *analyze.Expr) (int, valueState, error) {
	b, met := s.batched[e]
	if br, ok := t.resolver.(sharding.BatchResolver); ok && !met {
		if sib := s.siblings(t, e); len(sib) > 1 {
			if err := s.resolveBatch(br, sib); err != nil {
				return -1, valueOK, err
			}
			b, met = s.batched[e]
		}
	}
	if met && !b.single {
		return b.db, valueOK, nil
	}
	return s.valuer.exprKey(t, e)
}

// siblings returns the key expressions of t resolved with e: those of the
// IN list or of the INSERT rows e is one of; nil for another e.
func (s *planState) siblings(t *table, e *analyze.Expr) []*analyze.Expr {
	for k := range s.cons {
		c := s.cons[k].c
		if c.Kind != analyze.CondIn || s.insts[s.cons[k].inst].t != t {
			continue
		}
		for j := range c.Values {
			if &c.Values[j] == e {
				out := make([]*analyze.Expr, len(c.Values))
				for i := range c.Values {
					out[i] = &c.Values[i]
				}
				return out
			}
		}
	}
	if s.st.Insert != nil {
		if rows := s.insertKeyExprs(t); slices.Contains(rows, e) {
			return rows
		}
	}
	return nil
}

// resolveBatch resolves the key values exprs of one table in one call of
// br and records the database of each in s.batched. When an expression is
// not a value (DEFAULT, an expression, a missing argument) or there are
// fewer than two keys, it records them all as left to the single-key
// path, which reports on them exactly as without br. A NULL needs no call.
func (s *valuer) resolveBatch(br sharding.BatchResolver, exprs []*analyze.Expr) error {
	if s.batched == nil {
		s.batched = make(map[*analyze.Expr]batchedKey, len(exprs))
	}
	keys := make([]sharding.Key, 0, len(exprs))
	at := make([]*analyze.Expr, 0, len(exprs))
	batch := true
	for _, e := range exprs {
		s.batched[e] = batchedKey{db: -1, single: true}
		if e == nil {
			batch = false
			continue
		}
		v, state, err := s.keyValue(e)
		switch {
		case err != nil || state == valueUnknown:
			batch = false
		case state == valueOK:
			keys = append(keys, sharding.KeyOf(v))
			at = append(at, e)
		}
	}
	if !batch || len(keys) < 2 {
		return nil
	}
	dbs, err := br.ResolveBatch(s.ctx, keys)
	if err != nil {
		return err
	}
	if len(dbs) != len(keys) {
		return errors.New("resolver answered " + strconv.Itoa(len(dbs)) + " databases for " + strconv.Itoa(len(keys)) + " keys")
	}
	for i, e := range at {
		b := batchedKey{db: -1}
		if dbs[i] != "" {
			j, ok := s.p.dbIndex[dbs[i]]
			if !ok {
				return errors.New("resolver returned unknown database " + strconv.Quote(dbs[i]))
			}
			b.db = j
		}
		s.batched[e] = b
	}
	return nil
}

// intArg reads a LIMIT or OFFSET expression: an integer literal or a
// placeholder whose argument is an integer.
func (s *valuer) intArg(e *analyze.Expr) (int64, bool) {
	if e == nil || e.Value == nil {
		return 0, false
	}
	v, state, err := s.keyValue(e)
	if err != nil || state != valueOK {
		return 0, false
	}
	if _, isBool := v.(bool); isBool {
		return 0, false
	}
	n, ok := sharding.KeyOf(v).Int64()
	if !ok || n < 0 {
		return 0, false
	}
	return n, true
}

// integerCast reports whether a PostgreSQL cast names an integer type.
func integerCast(t string) bool {
	switch strings.ToLower(t) {
	case "int", "integer", "bigint", "smallint", "int2", "int4", "int8":
		return true
	}
	return false
}
