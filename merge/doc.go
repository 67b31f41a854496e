// Package merge combines the row streams of a query fanned out to several
// shards into one driver.Rows that reads as if one database had answered.
//
// The planner rewrites the statement for the shards and describes the merge
// with a Spec (plain data, printed as JSON in plans); Open runs the shard
// queries in parallel and returns the merged rows. Nothing here does I/O of
// its own: each Source opens one shard's rows.
//
// # Pipeline
//
// Every shard has a reader goroutine that reads its rows ahead into batches
// (at most about 1.5×Spec.ShardRowsInFlight rows per shard, recycled, so
// memory follows the read-ahead, not the result size) and copies []byte
// values, which drivers reuse. The merge then runs, on the caller's
// goroutine:
//
//   - source: concatenation in arrival order when there is no ORDER BY (or
//     the grouping is done in memory), else a k-way ordered merge (a heap
//     over each shard's current row);
//   - grouping: one row for aggregates without GROUP BY; a streaming fold of
//     adjacent equal keys when Spec.GroupSorted; else groups in memory, then
//     sorted by ORDER BY;
//   - DISTINCT: streaming when the ORDER BY leads with every visible column,
//     else a set of seen rows in memory;
//   - OFFSET and LIMIT, after all of the above; reaching the limit stops the
//     shard readers.
//
// Spec.Describe names the stages a Spec selects. Memory beyond the read-ahead
// is used only by GROUP BY in memory and DISTINCT in memory, each capped by
// Spec.MaxMemoryRows with an error matching ErrMemoryLimit.
//
// # What the planner puts in the shard SQL
//
// Every shard receives the same rewritten statement; its select list is the
// user's select list (the visible columns, first) followed by hidden
// columns. Spec indexes refer to that list.
//
//   - ORDER BY: the user's ORDER BY, unchanged, on every shard; each ORDER BY
//     expression missing from the select list is appended as a hidden column
//     and referenced by index in Spec.OrderBy. NULLS FIRST/LAST go into
//     SortKey.Nulls; a key with a COLLATE clause the merge cannot reproduce
//     must be refused.
//   - LIMIT n OFFSET m: the shards get LIMIT n+m without OFFSET; Spec gets
//     Offset m and Limit n.
//   - COUNT, SUM, MIN, MAX: unchanged, one Aggregate each.
//   - AVG(x): keep AVG(x) at its place in the select list (shard 0 then
//     reports its real name and type, and its values tell the merge the Go
//     type and scale to produce) and append SUM(x) and COUNT(x) as hidden
//     columns; Aggregate{Func: Avg, Column: the AVG, SumColumn, CountColumn}.
//     COUNT must count x, not *, so NULLs are left out.
//   - GROUP BY: unchanged. To stream, the shards must ORDER BY the group key
//     (any order and directions of the group columns, leading the ORDER BY;
//     reuse the user's ORDER BY when it starts with them, and add the group
//     columns as hidden ones when they are not selected), and Spec sets
//     GroupSorted with OrderBy equal to that ORDER BY. Otherwise the groups
//     are merged in memory and sorted by Spec.OrderBy, which may then refer
//     to aggregate columns. LIMIT n+m may be pushed down only when the
//     ORDER BY leads with the whole group key.
//   - HAVING: the merge does not evaluate it. Push it down only when the
//     group key contains the shard key (each group then lives on one shard);
//     otherwise refuse the statement.
//   - DISTINCT: pushed down unchanged (it shrinks the shard results) and set
//     in Spec.Distinct; it compares the visible columns. COUNT(DISTINCT x)
//     and other DISTINCT aggregates cannot merge from per-shard values and
//     are refused by Validate.
//
// # Comparing values
//
// Ordering, grouping, DISTINCT, MIN and MAX share one comparison:
//
//   - NULL: smallest in MySQL and SQLite, largest in PostgreSQL, unless the
//     key says NULLS FIRST or LAST; NULL equals NULL for grouping;
//   - numbers compare exactly across int64, uint64 and float64 (NaN above
//     everything, as in PostgreSQL); decimal text (string or []byte, as
//     MySQL DECIMAL and PostgreSQL numeric arrive) compares numerically when
//     the column's database type is numeric or the column is a COUNT, SUM or
//     AVG output — decided by type name, never by how a value looks;
//   - text compares bytewise (PostgreSQL "C", SQLite BINARY), or, under
//     CollationNoCase (the MySQL default for text columns), by Unicode upper
//     case with trailing spaces ignored, like *_general_ci;
//   - SQLite orders the classes as it does: numbers, then TEXT, then BLOB.
//
// # Column metadata
//
// Columns returns shard 0's first Visible names. The rows implement exactly
// the column-type interfaces shard 0's rows implement and answer them with
// shard 0's values, read when its rows opened, for as long as the merged
// rows are open. With AVG kept in the select list, every visible column,
// aggregates included, reports what one database reports.
//
// # Exactness
//
// COUNT, SUM over integers and decimals, MIN, MAX, ordering and grouping
// are exact. SUM over floats adds the shards' float sums (compensated), so
// the last bits can differ from one database's sum. AVG over decimals is
// exact and rounded as PostgreSQL or MySQL round it; AVG over floats, and
// SQLite's AVG, is float64(sum)/count (exact for integer sums below 2^53).
// An int64 SUM that overflows continues as a decimal and is returned as
// decimal text where one database would report an out-of-range error.
//
// # Known gaps
//
// Linguistic collations (PostgreSQL databases created with a libc or ICU
// locale other than C, MySQL accent-insensitive and utf8mb4_0900_* NO PAD
// collations) are not reproduced, nor the declaration order of MySQL ENUM
// columns: a merged ORDER BY can then differ from one database's order. A
// streamed GROUP BY or DISTINCT checks that each shard's rows arrive in the
// merge's order and fails with an error naming the shard and the values
// when they do not (checked between rows of one read-ahead batch), rather
// than return split groups. SQLite reports column
// types from the first row, so shard 0's may differ from one database's
// when shard 0 has no rows. Multiple result sets are not supported.
package merge
