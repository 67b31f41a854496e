// Package lockrewrite turns the lock requests and expected versions of
// package locking into statement text, per server: the locking clause a
// SELECT gets, the settings to run around it, the version condition an
// UPDATE or DELETE gets and where its argument goes. It does no I/O; the
// executor runs what it returns.
//
// Pessimistic and Optimistic are pure functions of their arguments;
// Rewriter caches their results (refusals included) per statement text and
// request in a bounded cache, so a statement seen before costs a hash of
// its text and a map lookup. Rewrites are spliced into the original text by
// byte offsets from the analyzer, so comments, quoting and style survive.
//
// # The executor's part
//
// Per cluster (or per node, when MariaDB and MySQL 8 servers mix): a
// Rewriter for the server (ServerFor with the server's version string) and
// the cluster's locking.Config. Per statement, after analysis:
//
//	if r, ok := locking.FromContext(ctx); ok {
//		l, err := rw.Lock(st, r)              // refusals: *locking.Error
//		if err != nil { return err }
//		switch {
//		case !l.Locks:                         // not a SELECT: unchanged
//		case !inTx:
//			return lockrewrite.OutsideTx(st.SQL, r)
//		case readOnlyTx:
//			return lockrewrite.ReadOnlyTx(st.SQL, r)
//		case l.WriteLock && !txHoldsWriteLock:  // SQLite
//			return lockrewrite.NoWriteLock(st.SQL)
//		}
//		query, st = l.SQL, l.Statement       // route and plan the rewritten text
//		// around the statement, on its connection: l.Timeout (Save, Set, ..., Restore)
//	}
//	if v, ok := locking.VersionFrom(ctx); ok {
//		ver, err := rw.Version(st)
//		if err != nil { return err }
//		if ver.Changed {
//			query, st, args = ver.SQL, ver.Statement, ver.Args(args, v)
//			// after Exec: if err := ver.Check(rowsAffected, v); err != nil { return err }
//		}
//	}
//
// and at BeginTx: if rw.Begin(r) returns a *Begin (SQLite), begin with its
// SQL (BEGIN IMMEDIATE) and its busy_timeout Setting around it, and record
// that the transaction holds the write lock. A rewritten SELECT carries
// its locking clause, so routing sends it to the primary like any locking
// read; a rewritten UPDATE keeps its kind and tables, and its shard-key
// conditions (the version condition is one more conjunct).
package lockrewrite
