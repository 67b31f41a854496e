package planner

import (
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

// execution decides how the executor runs pl, a plan on several databases,
// inside a transaction or not.
func execution(st *analyze.Statement, pl *sharding.Plan, o Options) *sharding.Execution {
	commit := sharding.CommitOnePhase
	if o.TwoPhase {
		commit = sharding.CommitTwoPhase
	}
	switch {
	case !pl.Writes:
		// Every database's query opens at once and the rows merge.
		return &sharding.Execution{Parallel: true}
	case !o.InTx && st.Kind == analyze.KindDDL:
		// DDL runs as is: MySQL cannot roll it back.
		return &sharding.Execution{Parallel: true}
	case !o.InTx && st.Dialect == dialect.SQLite:
		// One database after another, in database order: a SQLite write
		// holds its database's write lock until the commit, and two
		// statements each holding one database's lock while waiting for the
		// other's would both fail with SQLITE_BUSY.
		return &sharding.Execution{LocalTx: true, Commit: commit}
	case !o.InTx:
		return &sharding.Execution{Parallel: true, LocalTx: true, Commit: commit}
	case o.TwoPhase:
		// On the transaction's participants, one database after another;
		// they commit with the transaction, in two phases.
		return &sharding.Execution{Commit: commit}
	case (pl.Route == sharding.RouteScatter || pl.Route == sharding.RouteMulti) &&
		(st.Kind == analyze.KindUpdate || st.Kind == analyze.KindDelete):
		return &sharding.Execution{Tentative: true}
	}
	// A write on several databases inside a transaction: the executor
	// refuses it before it runs (one writing database per transaction).
	return &sharding.Execution{Refused: true}
}
