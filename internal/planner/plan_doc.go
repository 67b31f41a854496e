package planner

import (
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/merge"
)

// Planner plans statements over a sharded cluster: for each statement, which
// databases run it, with which SQL and arguments, and how their results
// combine, as a Plan. Planning is pure (no I/O); a Planner is immutable and
// safe for concurrent use.
//
// # Routing
//
// A statement that references no sharded or broadcast table runs on the
// default database (RouteUnsharded). Otherwise the tables of each query
// level (its FROM items, the target of a write) and its conditions decide:
//
//   - key = v, with v a literal or a placeholder, in a top-level AND term of
//     the WHERE (or of the ON of an inner join), selects the database of v;
//   - key IN (v, ...) selects the databases of its values, and each database
//     then gets an IN list of its own values only (never an empty list);
//   - on a range resolver, key <, <=, >, >= v and key BETWEEN a AND b select
//     the databases of the ranges they meet (on other resolvers they do not
//     narrow anything);
//   - several conditions intersect; a value no database holds (NULL, outside
//     every range) matches no row, and the statement runs on one database
//     for its empty result;
//   - with no key condition, the statement runs on every database of the
//     table's resolver (RouteScatter).
//
// Conditions under OR or NOT, on expressions or in outer-join ON clauses do
// not route. Tables joined on equal keys (ON a.key = b.key, WHERE a.key =
// b.key, USING (key)) and in one binding group run together, a key condition
// on either selecting both; a subquery correlated on the key (i.key = o.key)
// runs with its outer table. Broadcast tables join with anything. Every
// other sharded table must land on the database the statement runs on: an
// unbound join, a subquery, derived table or CTE that is not correlated on
// the key, the arms of a set operation. A statement that reads an unsharded
// table (which only the default database holds) must run on the default
// database alone.
//
// INSERT routes each VALUES row by its key and splits the rows over the
// shards (RouteMulti), each shard receiving its rows in their order with the
// rest of the text unchanged (column list, ON CONFLICT, RETURNING,
// comments). UPDATE and DELETE route by their WHERE; on several shards their
// rows affected add up. Reads of broadcast tables only run on the default
// database; writes of a broadcast table run on every database
// (RouteBroadcastWrite). DDL of a sharded or broadcast table runs on every
// database that holds it (RouteDDLAll), so migrations reach every shard. A
// pinned shard runs the statement unchanged on that database (RoutePinned).
//
// What cannot run correctly is refused: see ErrRefused for the list.
//
// # Reads on several shards
//
// A SELECT on several databases is rewritten as the merge package requires,
// and Plan.Merge describes the merge:
//
//   - the user's ORDER BY stays on every shard; an ORDER BY expression not in
//     the select list is appended as a hidden column. An ORDER BY column fixed
//     by key = value in the WHERE orders nothing and is left out of the merge
//     (so GORM's First by primary key works with SELECT *);
//   - LIMIT n OFFSET m becomes LIMIT n+m on the shards when the merge streams
//     in the final order (no LIMIT otherwise), and the merge skips m rows and
//     returns n; a placeholder in LIMIT or OFFSET is read from the arguments;
//   - COUNT, SUM, MIN and MAX merge as such; AVG(x) stays in its place, and
//     SUM(x) and COUNT(x) are appended as hidden columns;
//   - GROUP BY merges the shards' groups. On MySQL and SQLite the shards order
//     by the group key (appending ORDER BY when there is none) so that groups
//     stream; with an ORDER BY that does not lead with the group key, and on
//     PostgreSQL always, groups are merged in memory (PostgreSQL databases
//     usually sort text by a linguistic collation the merge does not
//     reproduce) and then sorted;
//   - a GROUP BY that holds the shard key needs no merging at all: each group
//     lives on one shard, so HAVING, DISTINCT aggregates and aggregate
//     expressions run on the shards as written;
//   - DISTINCT runs on the shards and again in the merge;
//   - with SELECT * the number of columns is known only when the shards
//     answer: hidden ORDER BY columns go behind the * with an alias
//     (grant_hidden_1, ...) and the merge counts them from the end
//     (merge.Spec.Hidden), so GORM's First, Find with Order and pagination
//     work; GROUP BY and aggregates are refused with *.
//
// # Placeholders
//
// Shard SQL that differs from the original renumbers its placeholders for
// its own arguments (ShardQuery.Args, with ArgOrdinals naming the caller's
// argument behind each): PostgreSQL $n and SQLite ?NNN are numbered 1..k in
// order of appearance; MySQL and SQLite ? keep their order; SQLite :name,
// @name and $name keep their names and take the caller's named arguments.
//
// # Writes and transactions
//
// Plan.Writes says whether the statement modifies data or schema, and
// WriteDatabases where. A transaction whose writes stay on one database runs
// as usual; the executor refuses a write on a second database until
// two-phase commit is available.
type Planner struct {
	d         dialect.Dialect
	fold      bool // match names ignoring ASCII case (MySQL, SQLite)
	defaultDB string
	dbs       []string // every database, in plan order
	dbIndex   map[string]int
	all       dbSet
	tables    map[string]*table // by unqualified name, lower-cased when fold
	maxLen    int               // the longest configured table name
	base      merge.Spec
	// collations maps "table.column" (lower-cased when fold) to the
	// column's collation.
	collations map[string]merge.Collation
	noFast     bool // tests: plan every statement on the general path
}
