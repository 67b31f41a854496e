package planner

import (
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

// A unique key without the shard key is unique per shard only: two shards
// may each hold a row with the same value. An INSERT whose outcome depends
// on whether its row conflicts with an existing one (ON CONFLICT, ON
// DUPLICATE KEY UPDATE, INSERT IGNORE, REPLACE) would then see only the
// rows of the shard it runs on, and answer differently from one database.
// The planner accepts such an INSERT on a sharded table only when every
// key it can conflict on contains the shard key: rows equal on such a key
// have the same shard key, so they live on the same shard.
//
// Which keys an INSERT can conflict on:
//
//   - ON CONFLICT (columns) (PostgreSQL, SQLite): the unique index on
//     exactly those columns; the statement says them, no catalog needed;
//   - ON CONFLICT ON CONSTRAINT name (PostgreSQL): that constraint;
//   - ON CONFLICT without a target, ON DUPLICATE KEY UPDATE, INSERT IGNORE,
//     INSERT OR IGNORE, REPLACE and INSERT OR REPLACE: every unique key of
//     the table (and, on PostgreSQL, every exclusion constraint, which is
//     never accepted).
//
// Only the server's catalog knows a table's unique keys. Planning does no
// I/O: the engine reads them at the table's first such INSERT (KeysWanted,
// SetUniqueKeys), keeps them, and forgets them after DDL it runs on
// sharded tables (ForgetUniqueKeys). A statement pinned to a shard
// (grant.UseShard) runs there as written and is not checked.

// UniqueKey is a unique index or constraint of a table, as the server's
// catalog lists it.
type UniqueKey struct {
	// Name is the index or constraint name.
	Name string `json:"name"`
	// Columns are the key's columns in order; "" stands for an expression.
	Columns []string `json:"columns"`
	// Exclusion marks a PostgreSQL exclusion constraint, whose conflicts
	// are not equality: never accepted.
	Exclusion bool `json:"exclusion,omitempty"`
}

// uniqueState is what the planner knows of a table's unique keys.
type uniqueState struct {
	known bool
	keys  []UniqueKey
}

// unknownKeys is the state of a table whose keys were never read.
var unknownKeys = &uniqueState{}

// KeysRequest asks for the unique keys of one sharded table: the engine
// reads them from the catalog of Database and gives them to SetUniqueKeys.
type KeysRequest struct {
	// Table is the configured table; Schema and Name its parts (Schema is
	// empty when not configured).
	Table, Schema, Name string
	// Database is one database holding the table (every one holds the
	// same schema: DDL runs on all of them).
	Database string
	t        *table
	seen     *uniqueState
}

// KeysWanted returns the request for the unique keys st's conflict check
// needs and the planner does not know; nil when it needs none.
func (p *Planner) KeysWanted(st *analyze.Statement) *KeysRequest {
	ins := st.Insert
	if ins == nil || !st.Full || st.Multi || st.Dialect != p.d {
		return nil
	}
	t := p.lookup(&ins.Table)
	if t == nil || t.broadcast || !needsCatalog(ins) {
		return nil
	}
	seen := t.unique.Load()
	if seen != nil && seen.known {
		return nil
	}
	if seen == nil {
		t.unique.CompareAndSwap(nil, unknownKeys)
		seen = t.unique.Load()
	}
	return &KeysRequest{Table: t.label(), Schema: t.schema, Name: t.name, Database: p.dbs[t.dbs.next(0)], t: t, seen: seen}
}

// SetUniqueKeys records the keys read for r. It reports false, keeping
// nothing, when the planner forgot the table's keys since r was made (DDL
// ran meanwhile): the keys may be those of before the DDL.
func (p *Planner) SetUniqueKeys(r *KeysRequest, keys []UniqueKey) bool {
	return r.t.unique.CompareAndSwap(r.seen, &uniqueState{known: true, keys: keys})
}

// ForgetUniqueKeys forgets every table's unique keys, so that they are
// read again: the engine calls it around DDL of sharded tables.
func (p *Planner) ForgetUniqueKeys() {
	for _, t := range p.tables {
		t.unique.Store(&uniqueState{})
	}
}

// needsCatalog reports whether an INSERT's conflict handling depends on
// keys its text does not name.
func needsCatalog(ins *analyze.Insert) bool {
	up := ins.Upsert
	switch {
	case up != nil && up.Kind == "on_conflict":
		return len(up.Target) == 0
	case up != nil || ins.Replace || ins.Ignore:
		return true
	}
	return false
}

// conflictRefusal returns why an INSERT into sharded table t cannot be
// answered as one database would (see above), or "".
func (p *Planner) conflictRefusal(st *analyze.Statement, t *table) string {
	ins := st.Insert
	up := ins.Upsert
	unseen := ": a conflicting row on another shard would not be seen (a unique key without the shard key is unique per shard only)"
	var clause string
	switch {
	case up != nil && up.Kind == "on_conflict" && len(up.Target) > 0:
		if p.hasKey(t, up.Target) {
			return ""
		}
		return "ON CONFLICT (" + strings.Join(up.Target, ", ") + "): the conflict target does not contain shard key " + t.key + unseen
	case up != nil && up.Kind == "on_conflict" && up.Constraint != "":
		clause = "ON CONFLICT ON CONSTRAINT " + up.Constraint
		keys, reason := p.uniqueKeys(t, clause)
		if reason != "" {
			return reason
		}
		for _, k := range keys {
			if p.nameEq(k.Name, up.Constraint) {
				if k.Exclusion || !p.hasKey(t, k.Columns) {
					return clause + ": " + keyText(k) + " does not contain shard key " + t.key + unseen
				}
				return ""
			}
		}
		return clause + ": " + t.label() + " has no unique constraint " + up.Constraint + " that Grant knows of, so it cannot tell whether it contains shard key " + t.key
	case up != nil && up.Kind == "on_conflict":
		clause = "ON CONFLICT without a conflict target"
	case up != nil:
		clause = "ON DUPLICATE KEY UPDATE"
	case ins.Replace && p.d == dialect.SQLite:
		clause = "INSERT OR REPLACE"
	case ins.Replace:
		clause = "REPLACE"
	case ins.Ignore && p.d == dialect.SQLite:
		clause = "INSERT OR IGNORE"
	case ins.Ignore:
		clause = "INSERT IGNORE"
	default:
		return ""
	}
	keys, reason := p.uniqueKeys(t, clause)
	if reason != "" {
		return reason
	}
	for _, k := range keys {
		if k.Exclusion || !p.hasKey(t, k.Columns) {
			return clause + ": " + keyText(k) + " does not contain shard key " + t.key + unseen
		}
	}
	return ""
}

// uniqueKeys returns t's unique keys, or the refusal of clause when they
// are not known.
func (p *Planner) uniqueKeys(t *table, clause string) ([]UniqueKey, string) {
	if u := t.unique.Load(); u != nil && u.known {
		return u.keys, ""
	}
	return nil, clause + ": the unique keys of " + t.label() + " are not known (Grant reads them from the catalog before it runs such a statement)"
}

// hasKey reports whether cols names t's shard key.
func (p *Planner) hasKey(t *table, cols []string) bool {
	for _, c := range cols {
		if p.nameEq(c, t.key) {
			return true
		}
	}
	return false
}

// keyText is a key as messages show it: unique key name (col, col).
func keyText(k UniqueKey) string {
	if k.Exclusion {
		return "exclusion constraint " + k.Name
	}
	cols := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		if c == "" {
			c = "an expression"
		}
		cols[i] = c
	}
	return "unique key " + k.Name + " (" + strings.Join(cols, ", ") + ")"
}
