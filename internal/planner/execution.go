package planner

import (
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

// execution decides how the executor runs pl, a plan on several databases,
// inside a transaction or not.
func execution(st *analyze.Statement, pl *sharding.Plan, inTx bool) *sharding.Execution {
	switch {
	case !pl.Writes:
		// Every database's query opens at once and the rows merge.
		return &sharding.Execution{Parallel: true}
	case !inTx && st.Kind == analyze.KindDDL:
		// DDL runs as is: MySQL cannot roll it back.
		return &sharding.Execution{Parallel: true}
	case !inTx:
		return &sharding.Execution{Parallel: true, LocalTx: true, Commit: sharding.CommitOnePhase}
	case (pl.Route == sharding.RouteScatter || pl.Route == sharding.RouteMulti) &&
		(st.Kind == analyze.KindUpdate || st.Kind == analyze.KindDelete):
		return &sharding.Execution{Tentative: true}
	}
	// A write on several databases inside a transaction: the executor
	// refuses it before it runs (one writing database per transaction).
	return &sharding.Execution{Refused: true}
}
