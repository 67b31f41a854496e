// Package idgen generates ids that are unique over every shard of a table:
// the generators behind the id key of a sharded table's configuration
//
//	sharding:
//	  tables:
//	    orders: {key: customer_id, resolver: by_customer, id: {column: id, generator: snowflake, node: 7}}
//	    users:  {key: id, resolver: by_user, id: {column: id, generator: sequence, cache: 1000}}
//
// An INSERT into such a table that omits the column gets one id per row
// from the table's generator; an INSERT that gives the column keeps its
// values (which Grant cannot check against the other shards).
//
// # Snowflake
//
// A Snowflake id is a positive int64 of 41 bits of milliseconds since Epoch
// (2020-01-01 UTC, enough until 2089), 8 bits of node number (0..255) and 14
// bits of sequence: a generator makes up to 16384 ids per millisecond
// (Twitter's layout has 10 and 12 bits, which caps a generator at 4096 per
// millisecond, 244 ns per id). Ids of one generator increase; one Fill of
// up to MaxBatch ids gives consecutive ids (one millisecond's sequence
// space), so a multi-row INSERT of up to 16384 rows gets consecutive ids,
// as ORMs that compute the ids of a batch from the first expect. Larger
// batches get increasing ids.
//
// Two processes never make the same id because their node numbers differ:
//
//   - configured (node: 7): the operator gives each process writing to the
//     cluster its own number; nothing is read or written;
//   - leased (no node): the generator leases a number from the Store, per
//     table (the engine keeps leases in the table grant_id_nodes of the
//     default database). A lease covers a range of milliseconds [From,
//     Until]; the generator makes ids only with timestamps in its range and
//     renews the lease (extends Until) while it is in use. A lease that was
//     not renewed may be taken by another process once it has lapsed, and
//     the new range starts after the old Until, so the two holders' ids
//     never meet, whatever the clocks of their hosts say. A process that
//     lost its lease takes another node number.
//
// Timestamps come from the process's monotonic clock, anchored to the wall
// clock when the generator is made: a step of the system clock does not
// move them back. Ids stay increasing within a generator in every case: a
// timestamp never goes below the last one used, and when the clock is
// behind the last timestamp (a full millisecond's sequence, a clock that
// went back) the generator waits for it, up to MaxClockWait, and refuses
// with a *ClockError (ErrClockBack) beyond that. With a configured node, a
// process restarted while the wall clock is behind the last run's ids can
// repeat them: leased nodes carry the last timestamp over and cannot.
//
// # Sequence
//
// A Sequence hands out consecutive ids from blocks it takes from a counter
// (Store.TakeBlock; the engine keeps one row per table in the table
// grant_id_sequences of the default database, with next_id, advanced in a
// transaction of its own on the primary). A block holds Cache ids
// (DefaultCache unless configured; a batch larger than that gets a block of
// its own size), so a process goes to the database once per block: a
// commit, 0.5 to 3.5 ms on the test machine, so 0.2 to 0.35 µs per id with
// blocks of 10000. Ids of a restarted process skip the rest of the old
// block, as Vitess sequences do. Concurrent processes never get the same
// id: each block is a distinct range of the counter.
//
// Generators are safe for concurrent use.
package idgen
