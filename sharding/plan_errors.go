package sharding

import (
	"errors"
	"fmt"
)

// ErrRefused is matched (errors.Is) by every *RefusedError: a statement on a
// sharded or broadcast table that the planner will not run, because it
// cannot run it correctly. The planner never guesses. It refuses:
//
//   - a statement on a sharded or broadcast table that the analyzer does not
//     fully understand (Statement.Full is false), and text holding several
//     statements;
//   - statements other than SELECT, INSERT, UPDATE, DELETE and DDL on such
//     tables (LOCK, EXPLAIN, COPY, maintenance...), except reads of schema
//     information (SHOW, DESCRIBE, PRAGMA), which one database answers;
//     pin a shard to run any of them on one database;
//   - DDL naming both a sharded or broadcast table and another table, and
//     DDL creating a temporary table;
//   - a join of sharded tables whose keys are not equated (ON or WHERE
//     a.key = b.key) or that are not in one binding group, unless each side's
//     key conditions put the whole statement on one and the same database;
//   - a sharded table in a subquery, derived table or CTE that is not
//     correlated to the outer table on the key, unless the subquery's own key
//     conditions put it on the single database the statement runs on;
//   - set operations (UNION, INTERSECT, EXCEPT) over sharded tables that do
//     not all land on one database;
//   - a join of a sharded table with an unsharded table (which lives only in
//     the default database) unless the statement lands on the default
//     database alone; broadcast tables join with anything;
//   - INSERT into a sharded table without a column list, without the key
//     column, with a row whose key is NULL, DEFAULT or an expression, INSERT
//     .. SELECT and INSERT .. DEFAULT VALUES;
//   - changing a row's shard key: UPDATE .. SET key = v is accepted only when
//     v resolves to a database the statement runs on; on several databases
//     the plan carries SetKeyTo and the executor refuses the statement at
//     run time (undoing it) if it changed a row on another database (so no
//     row leaves its shard); an upsert may set the key only to the inserted
//     row's own key (excluded.key, VALUES(key));
//   - an INSERT whose outcome depends on a conflicting row, unless every
//     key it can conflict on contains the shard key (a unique key without
//     it is unique per shard only): ON CONFLICT (cols) without the key,
//     ON CONFLICT ON CONSTRAINT c when c lacks it, and ON CONFLICT without
//     a target, ON DUPLICATE KEY UPDATE, INSERT IGNORE, INSERT OR IGNORE,
//     REPLACE and INSERT OR REPLACE when any unique key of the table lacks
//     it (the keys are read from the catalog);
//   - DDL or maintenance of an index named without its table (DROP INDEX,
//     ALTER INDEX, REINDEX, COMMENT ON INDEX on PostgreSQL and SQLite):
//     which databases hold the index only their catalogs know;
//   - UPDATE or DELETE with LIMIT on several shards (each would apply it);
//   - fan-out reads the merge cannot combine: COUNT(DISTINCT x) and other
//     DISTINCT aggregates unless x is the shard key; aggregates inside
//     expressions; HAVING, GROUPING SETS, ROLLUP, CUBE and window functions
//     unless the GROUP BY holds the shard key (each group then lives on one
//     shard); DISTINCT ON; SELECT .. INTO; FETCH .. WITH TIES; ORDER BY a
//     COLLATE clause; LIMIT or OFFSET given by a placeholder whose argument
//     is not an integer;
//   - SELECT * (or t.*) across shards with GROUP BY or aggregates;
//   - writes of a broadcast table that read a sharded or unsharded table;
//   - a key value of a type the resolver does not take (a bool, a string for
//     modulo, ...);
//   - data-modifying CTEs on sharded or broadcast tables.
var ErrRefused = errors.New("sharding: statement refused")

// RefusedError is a refusal: it names the statement, the table and the
// reason, and matches ErrRefused (and, through Unwrap, the cause, such as a
// resolver's *KeyError).
type RefusedError struct {
	Statement string
	Table     string
	Reason    string
	Err       error // the cause, when there is one
}

// maxStatementShown bounds the statement text in error messages.
const maxStatementShown = 200

// Error formats the refusal as
// `sharding: refused "UPDATE orders SET ...": table orders: reason`.
func (e *RefusedError) Error() string {
	s := e.Statement
	if len(s) > maxStatementShown {
		s = s[:maxStatementShown] + "..."
	}
	if e.Table == "" {
		return fmt.Sprintf("sharding: refused %q: %s", s, e.Reason)
	}
	return fmt.Sprintf("sharding: refused %q: table %s: %s", s, e.Table, e.Reason)
}

// Is reports whether target is ErrRefused.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Unwrap returns the cause, if any.
func (e *RefusedError) Unwrap() error { return e.Err }
