package lockrewrite

import (
	"fmt"
	"strconv"
	"time"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

// Lock is the rewrite of one statement for a lock request.
type Lock struct {
	// SQL is the statement to run: the input with the locking clause
	// appended, or the input itself.
	SQL string `json:"sql"`
	// Statement is the analysis of SQL (shared: do not modify it). A
	// rewritten statement has a locking clause, so routing sends it to the
	// primary.
	Statement *analyze.Statement `json:"-"`
	// Changed is true when SQL differs from the input.
	Changed bool `json:"changed,omitempty"`
	// Locks is true for a locking read: the executor refuses it outside a
	// transaction with OutsideTx. False for statements other than SELECT,
	// which run unchanged.
	Locks bool `json:"locks,omitempty"`
	// WriteLock is set on SQLite, which has no row locks: the statement is
	// unchanged and may run only in a transaction that holds the database
	// write lock (begun with Begin's BEGIN IMMEDIATE, or that has already
	// written); otherwise the executor refuses it with NoWriteLock.
	WriteLock bool `json:"write_lock,omitempty"`
	// Clause is the clause appended ("FOR UPDATE OF a NOWAIT").
	Clause string `json:"clause,omitempty"`
	// Timeout is the lock timeout to set around the statement, or nil (on
	// MariaDB the timeout is the clause's WAIT n).
	Timeout *Setting `json:"timeout,omitempty"`
}

// Pessimistic rewrites st, a statement for server, for lock request r:
// a SELECT gets the server's locking clause after its last token (after
// LIMIT / OFFSET, before a trailing ';' or comment); other statements are
// returned unchanged. It refuses, with a *locking.Error matching
// locking.ErrCannotLock, requests the server cannot honour and SELECTs that
// cannot take a locking clause. It is a pure function of its arguments.
func Pessimistic(server Server, st *analyze.Statement, r locking.Request) (*Lock, error) {
	unchanged := &Lock{SQL: st.SQL, Statement: st}
	if server.Dialect() != st.Dialect {
		return nil, refuse(st.SQL, "the statement was analyzed as %s, not as %s", st.Dialect, server)
	}
	if err := checkRequest(server, st.SQL, r); err != nil {
		return nil, err
	}
	if st.Kind != analyze.KindSelect {
		return unchanged, nil
	}
	if server == SQLite {
		unchanged.Locks, unchanged.WriteLock = true, true
		return unchanged, nil
	}
	s, err := lockable(server, st)
	if err != nil {
		return nil, err
	}
	of, err := resolveOf(server, st, s, r.Of)
	if err != nil {
		return nil, err
	}
	if server == Postgres {
		if reason := pgCheck(lex(st.Dialect, st.SQL), s, r, of); reason != "" {
			return nil, refuse(st.SQL, "%s", reason)
		}
	}
	out := &Lock{Locks: true, Changed: true}
	out.Clause, out.Timeout = clause(server, r, of)
	out.SQL = st.SQL[:s.LockAt] + " " + out.Clause + st.SQL[s.LockAt:]
	out.Statement = analyze.Analyze(st.Dialect, out.SQL)
	return out, nil
}

// checkRequest refuses what the server cannot do at all.
func checkRequest(server Server, st string, r locking.Request) error {
	switch {
	case r.Strength < locking.Update || r.Strength > locking.KeyShare:
		return refuse(st, "unknown lock strength %d", r.Strength)
	case r.Timeout < 0:
		return refuse(st, "negative lock timeout %v", r.Timeout)
	case r.Wait > locking.Skip:
		return refuse(st, "unknown wait policy %d", r.Wait)
	case (r.Strength == locking.NoKeyUpdate || r.Strength == locking.KeyShare) && server != Postgres:
		return refuse(st, "%s exists on PostgreSQL only, not on %s", r.Strength, server)
	case len(r.Of) > 0 && server == MariaDB:
		return refuse(st, "MariaDB has no FOR UPDATE OF: drop locking.Of (MariaDB locks every row the statement reads)")
	case r.Wait == locking.Skip && server == SQLite:
		return refuse(st, "SQLite has no row locks to skip: it locks the whole database")
	}
	for _, t := range r.Of {
		if t == "" {
			return refuse(st, "locking.Of with an empty table name")
		}
	}
	return nil
}

// lockable returns the query that takes the clause, or why there is none.
func lockable(server Server, st *analyze.Statement) (*analyze.Select, error) {
	s := st.Select
	switch {
	case st.Multi:
		return nil, refuse(st.SQL, "the text holds more than one statement")
	case st.Locking != nil:
		return nil, refuse(st.SQL, "the statement already has a locking clause (%s)", st.Text(st.Locking.Span))
	case !st.Full || s == nil:
		return nil, refuse(st.SQL, "the statement is not fully understood (%s), so Grant cannot tell where its locking clause goes", st.NotFull)
	case len(s.SetOps) > 0:
		return nil, refuse(st.SQL, "%s cannot take a locking clause: lock the rows with a separate SELECT per table", setOpName(s))
	case s.Values:
		return nil, refuse(st.SQL, "a VALUES list has no rows to lock")
	case s.Into:
		return nil, refuse(st.SQL, "SELECT .. INTO cannot take a locking clause here")
	case s.Table && server != Postgres:
		return nil, refuse(st.SQL, "TABLE t cannot take a locking clause on %s: use SELECT * FROM t", server)
	case s.LockAt <= 0:
		return nil, refuse(st.SQL, "the statement cannot take a locking clause")
	}
	return s, nil
}

func setOpName(s *analyze.Select) string {
	switch s.SetOps[0].Op {
	case "intersect":
		return "INTERSECT"
	case "except":
		return "EXCEPT"
	}
	return "UNION"
}

// clause builds the locking clause and the timeout setting.
func clause(server Server, r locking.Request, of []string) (string, *Setting) {
	var c string
	switch {
	case server == MariaDB && r.Strength == locking.Share:
		c = "LOCK IN SHARE MODE"
	default:
		c = r.Strength.String()
	}
	for i, n := range of {
		if i == 0 {
			c += " OF "
		} else {
			c += ", "
		}
		c += n
	}
	switch r.Wait {
	case locking.FailFast:
		c += " NOWAIT"
	case locking.Skip:
		c += " SKIP LOCKED"
	}
	if r.Timeout == 0 {
		return c, nil
	}
	switch server {
	case Postgres:
		// lock_timeout also bounds the table locks the SELECT takes, so it
		// applies with NOWAIT and SKIP LOCKED too.
		return c, pgLockTimeout(r.Timeout)
	case MariaDB:
		if r.Wait == locking.Block {
			c += " WAIT " + strconv.FormatInt(ceilDiv(r.Timeout, time.Second), 10)
		}
	case MySQL:
		if r.Wait == locking.Block {
			return c, mysqlLockTimeout(r.Timeout)
		}
	}
	return c, nil
}

// refuse builds the *locking.Error of a statement that cannot take the lock.
func refuse(sql string, format string, args ...any) error {
	return &locking.Error{Statement: sql, Reason: fmt.Sprintf(format, args...), Err: locking.ErrCannotLock}
}

// OutsideTx is the error of a locking read (Lock.Locks) run outside a
// transaction: its locks would be released as soon as it ends.
func OutsideTx(sql string, r locking.Request) error {
	return &locking.Error{
		Statement: sql,
		Reason:    r.Strength.String() + " locks rows until the transaction ends, and outside one that is the end of the statement: run it in a transaction",
		Err:       locking.ErrLockOutsideTx,
	}
}

// NoWriteLock is the error of a locking read (Lock.WriteLock) in a SQLite
// transaction that does not hold the database write lock.
func NoWriteLock(sql string) error {
	return &locking.Error{
		Statement: sql,
		Reason: "SQLite has no row locks: a locking read needs the database write lock, which this transaction did not take; " +
			"begin the transaction with a context from locking.ForUpdate or locking.ForShare (Grant then begins it with BEGIN IMMEDIATE)",
		Err: locking.ErrCannotLock,
	}
}
