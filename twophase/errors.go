// Package twophase is about what commits as one across several databases:
// a transaction that writes to several shards, or one statement that
// writes to several. Grant commits them with two-phase commit (PostgreSQL
// PREPARE TRANSACTION, MySQL/MariaDB XA) where every database supports it;
// the decision is a row committed in one participant's own transaction, so
// any process holding the configuration can finish a transaction a crash
// left in doubt (Connector.Recover, grant recover).
//
// The package holds the errors Grant returns when it cannot make such a
// commit atomic: ErrCrossShardWrite, when it refuses a statement before
// anything runs, ErrPartialCommit, when a commit without two-phase commit
// failed part-way, and ErrInDoubt; and the counters and recovery reports.
package twophase

import (
	"errors"
	"fmt"
)

// ErrCrossShardWrite is matched (errors.Is) by the error of a statement that
// would make one transaction write to a second database. Grant refuses it
// before running it, so nothing is half-committed; the transaction stays
// usable (roll it back, or go on with statements on its one database).
var ErrCrossShardWrite = errors.New("grant: a transaction writes to one database only")

// ErrPartialCommit is matched (errors.Is) by the error of a write on several
// databases, outside a transaction, whose commit succeeded on some databases
// and failed on others. Each database runs its part in a transaction of its
// own and every part must succeed before any commits, and the commits are
// not cut short by the statement's context, so this happens only when a
// commit itself fails (a server crash, a lost connection, a deferred
// constraint between the commits); the error names the databases on each
// side.
var ErrPartialCommit = errors.New("grant: write committed on some databases only")

// CrossShardWriteError is the error of a statement refused by the one
// database per transaction rule; it matches ErrCrossShardWrite.
type CrossShardWriteError struct {
	Statement string
	// Writing is the database the transaction already writes to, if any.
	Writing string
	// Databases are the databases the statement would write to or, when
	// Changed, the databases where it changed rows before it was undone.
	Databases []string
	// Changed is set for an UPDATE or DELETE that ran on several databases
	// and was rolled back to its savepoint because it changed rows on more
	// than one (counting the one the transaction already writes to).
	Changed bool
	// Why says why two-phase commit could not take the statement
	// (transactions.cross_shard: refuse, SQLite, a PostgreSQL server
	// without prepared transactions).
	Why string
}

func (e *CrossShardWriteError) Error() string {
	s := e.Statement
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	why := "two-phase commit is not available"
	if e.Why != "" {
		why = e.Why
	}
	if e.Changed {
		return fmt.Sprintf("grant: refused %q in a transaction: it changed rows on %v, and was undone; "+
			"a transaction may write to one database only (%s)", s, e.Databases, why)
	}
	if e.Writing != "" {
		return fmt.Sprintf("grant: refused %q in a transaction: it writes to %v, but the transaction already writes to %s; "+
			"a transaction may write to one database only (%s), so nothing ran", s, e.Databases, e.Writing, why)
	}
	return fmt.Sprintf("grant: refused %q in a transaction: it writes to %d databases %v; "+
		"a transaction may write to one database only (%s), so nothing ran", s, len(e.Databases), e.Databases, why)
}

// Is reports whether target is ErrCrossShardWrite.
func (e *CrossShardWriteError) Is(target error) bool { return target == ErrCrossShardWrite }
