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
// (at most about 2×Spec.ShardRowsInFlight rows per shard, recycled, so
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
// is used only by GROUP BY in memory, DISTINCT in memory and the values of
// DISTINCT aggregates (those of the current group when the grouping
// streams, of every group otherwise), each capped by Spec.MaxMemoryRows
// with an error matching ErrMemoryLimit.
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
//     SortKey.Nulls; the collation of a text key (its column's, or that of a
//     COLLATE clause) into SortKey.Collation, or, on MySQL, its weights into
//     a hidden WEIGHT_STRING(expr) column named by Spec.Weights.
//   - Text compared across shards (ORDER BY, GROUP BY, DISTINCT, MIN, MAX)
//     must compare as on the servers: by a collation the merge computes
//     (binary, binary_pad, nocase, ascii_nocase, rtrim), by the server's
//     weights (Weight), or by the server's ranks (ServerCollation, with
//     Spec.Ranker). A text order none of these reproduces must be refused.
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
//   - HAVING: pushed down unchanged when the group key contains the shard
//     key (each group then lives on one shard). Otherwise remove it from
//     the shard SQL, return each aggregate it needs as a column (hidden
//     when not selected) and set Spec.Having, an Expr over those columns
//     and the group columns: the merge drops the groups it rejects after
//     merging them and before DISTINCT, ORDER BY, OFFSET and LIMIT, so the
//     shards must not carry LIMIT.
//   - An expression over aggregates in the select list (max(x) - min(x)):
//     the shards return NULL in its place (under the name one database
//     gives the expression) and its aggregates as columns; a Computed
//     entry writes its value once per merged group kept by HAVING, in the
//     dialect's arithmetic (see Op); the column then compares as a number.
//   - DISTINCT: pushed down unchanged (it shrinks the shard results) and set
//     in Spec.Distinct; it compares the visible columns.
//   - COUNT, SUM and AVG(DISTINCT x), x not the shard key: the shards group
//     by x too (after the GROUP BY items, or in a GROUP BY of its own), keep
//     the DISTINCT aggregate in the select list and return x as a hidden
//     column, so each shard sends each of its values of x once per group;
//     Aggregate{Distinct: true, ArgColumn: x's column} adds a row's value
//     only when its x is new in the group, comparing x as a GROUP BY column
//     (give its collation or weights as for one). Plain COUNT, SUM, MIN,
//     MAX and AVG in the same query merge unchanged over the finer groups;
//     a DISTINCT aggregate of the shard key then merges by value too. The
//     shards must not carry LIMIT (their rows are no longer groups).
//     MIN and MAX(DISTINCT x) are plain MIN and MAX.
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
//   - text compares bytewise (PostgreSQL "C", SQLite BINARY); padded with
//     spaces (CollationBinaryPad: MySQL *_bin); with ASCII letters folded to
//     lower case (CollationASCIINoCase: SQLite NOCASE); without trailing
//     spaces (CollationRTrim: SQLite RTRIM, PostgreSQL char(n)); by Unicode
//     upper case with trailing spaces ignored (CollationNoCase, the MySQL
//     default when the planner has no catalog); by the server's weights in
//     a hidden column (Weight: MySQL, every collation); or by the server's
//     ranks (ServerCollation: PostgreSQL's libc and ICU collations; text
//     simple enough for a local order the server agreed to is merged in
//     that order as it streams, and from the first text that is not, a
//     window of rows at a time is ranked by the server: see rank.go and
//     local_merge.go);
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
// # Order checks
//
// An ordered merge compares every row it returns with the one it returned
// before, whichever shards they came from, and fails with an error
// matching ErrOutOfOrder rather than return rows out of order (or split
// groups, when a GROUP BY or DISTINCT streams): a shard whose order the
// merge does not reproduce shows there. The ranked merge checks every
// shard's window and the rows across windows the same way.
//
// # Known gaps
//
// A collation whose order none of the methods above reproduces (a
// PostgreSQL nondeterministic collation, a MySQL PAD SPACE collation with
// several levels) is refused by the planner. Text longer than MySQL's
// max_sort_length compares on its whole weight where the server's sort
// looks at a prefix: rows equal on the prefix then fail the order check.
// SQLite reports column types from the first row, so shard 0's may differ
// from one database's when shard 0 has no rows. Multiple result sets are
// not supported.
package merge
